package org.stickyroute;

/**
 * One proxy section of HAProxy's stats, in the order HAProxy lists it: a {@code frontend} (only {@link
 * #frontend}), a {@code backend} (only {@link #backend}, with its servers) or a {@code listen} section (both,
 * under one name). HAProxy's CSV writes, per proxy, the {@code FRONTEND} row, the server rows, then the {@code
 * BACKEND} row. Immutable.
 *
 * @param name the section name ({@code pxname})
 * @param frontend its frontend row, or {@code null} for a backend section
 * @param backend its servers and backend row, or {@code null} for a frontend section
 * @param statsOnly whether the section only serves the stats page (see {@link FrontendStats#statsOnly()}):
 *     stickyroute's views leave such sections out
 */
public record ProxyStats(String name, FrontendStats frontend, BackendStats backend, boolean statsOnly) {}
