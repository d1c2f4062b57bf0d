/* SHA-1 (internal): only for the WebSocket handshake (RFC 6455 4.2.2:
 * Sec-WebSocket-Accept is the base64 SHA-1 of the key and a GUID), where it
 * is a checksum, not a security function. */
#ifndef DK_SHA1_INT_H
#define DK_SHA1_INT_H

#include <stddef.h>

typedef struct dk_sha1 {
	unsigned int h[5];
	unsigned long long bytes;
	unsigned char block[64];
	size_t used;
} dk_sha1;

void dk__sha1_init(dk_sha1 *s);
void dk__sha1_update(dk_sha1 *s, const void *data, size_t len);
void dk__sha1_final(dk_sha1 *s, unsigned char digest[20]);
/* One-shot digest. */
void dk__sha1(const void *data, size_t len, unsigned char digest[20]);

#endif
