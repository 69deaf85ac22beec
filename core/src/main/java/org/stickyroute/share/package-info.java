/**
 * Sharing stick tables between instances (HAProxy's {@code peers}): the small API a sharing layer — the
 * {@code stickyroute-redis} module, or your own — uses. {@link org.stickyroute.share.SharedTables} hands it the
 * local stores of the tables of one {@code peers} section, without making any request wait, and takes the
 * other instances' stores back; {@link org.stickyroute.share.SharedEntry} is one store in a stable, textual
 * form.
 */
package org.stickyroute.share;
