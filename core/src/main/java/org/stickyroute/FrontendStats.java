package org.stickyroute;

import java.time.Instant;

/**
 * A frontend's ({@code FRONTEND}) row of HAProxy's stats page, at one moment: the requests that arrived on it,
 * whichever backend served them. Immutable; get it from {@link Router#stats()}. Each component's HAProxy CSV
 * column is given in {@code code}.
 *
 * @param name the frontend or listen section's name ({@code pxname})
 * @param traffic its counters: sessions, session rate, bytes, {@code dreq}, {@code ereq}, responses by class
 *     (connection and server figures — {@code econ}, {@code eresp}, warnings, times, {@code lbtot} — stay 0,
 *     HAProxy leaves them empty on a frontend)
 * @param status {@code OPEN} ({@code status}); stickyroute's frontends are never stopped or full
 * @param statsOnly whether the section only serves the stats page: a {@code listen} section with {@code stats}
 *     lines, no server and no {@code use_backend} rule (Overleaf's {@code listen admin}); views that show the
 *     routing traffic leave it out
 * @param at when the stats were read
 */
public record FrontendStats(String name, TrafficStats traffic, String status, boolean statsOnly, Instant at) {}
