/**
 * stickyroute-redis: the stick tables of a {@code peers} section shared between instances through Redis
 * ({@link org.stickyroute.redis.RedisStickSharing}). Lettuce is its client; nothing on the request path
 * touches the network.
 */
module org.stickyroute.redis {
  requires transitive org.stickyroute;
  requires lettuce.core;

  exports org.stickyroute.redis;
}
