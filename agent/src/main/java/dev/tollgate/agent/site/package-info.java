/**
 * Resolved metered methods: a {@link dev.tollgate.agent.site.Site} per method, registered in
 * {@link dev.tollgate.agent.site.Sites} under the integer id that the advice carries. Annotations and
 * retrofit rules both end here.
 */
package dev.tollgate.agent.site;
