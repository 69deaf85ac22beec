/**
 * stickyroute-servlet: the servlet filter, the stats servlet and the Jetty 12 proxy over stickyroute-core.
 *
 * <p>The API is {@code org.stickyroute.servlet}. Jetty is optional: only {@code StickyProxyServlet} needs it.
 * stickyroute-redis is optional: only sharing stick tables through Redis ({@code peers.NAME.redis.*}) needs it.
 */
module org.stickyroute.servlet {
  requires transitive org.stickyroute;
  requires transitive jakarta.servlet;
  requires tools.jackson.core;
  requires io.prometheus.writer.text;
  requires io.prometheus.metrics.model;
  requires static org.eclipse.jetty.ee10.proxy;
  requires static org.eclipse.jetty.client;
  requires static org.eclipse.jetty.http;
  requires static org.stickyroute.redis; // only when peers.NAME.redis.* settings ask for sharing

  exports org.stickyroute.servlet;
}
