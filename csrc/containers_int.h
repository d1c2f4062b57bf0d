/* Container helpers exposed for tests and fuzzing (internal). */
#ifndef DK_CONTAINERS_INT_H
#define DK_CONTAINERS_INT_H

#include <stddef.h>

/* Decode an X-Docker-Container-Path-Stat header value (n bytes, standard
 * base64 of one JSON object). Returns the JSON text (malloc'd,
 * NUL-terminated, *len bytes), or NULL if the value is not that. */
char *dk__archive_stat_decode(const char *h, size_t n, size_t *len);

#endif
