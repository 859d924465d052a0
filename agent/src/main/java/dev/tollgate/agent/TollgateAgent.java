package dev.tollgate.agent; public final class TollgateAgent { }
