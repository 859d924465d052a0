package com.acme.reports; public class Main { public static void main(String[] a) {} }
