/* libFuzzer target: the protobuf codec of the BuildKit session (proto.c),
 * what the engine's HTTP/2 streams feed it. The first byte picks the
 * decoder; the rest is the message.
 * Properties: fsutil packets that decode re-encode to a message that
 * decodes to the same fields (size predicted exactly); the StatusResponse
 * decoder yields a JSON object ({...}) or an error that leaves the output
 * as it was; base64 decoding never writes past 3/4 of the input; the
 * small-message reader never reads past the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clibdocker/errors.h"
#include "proto_int.h"

static void packet(const uint8_t *d, size_t n)
{
	dk_fs_packet p, q;
	dkbuf b = DKBUF_INIT;

	if (dk_fs_packet_decode(&p, d, n) != 0)
		return;
	if (dk_fs_packet_encode(&b, &p) != 0)
		abort();
	if (b.len != dk_fs_packet_size(&p))
		abort();
	if (dk_fs_packet_decode(&q, b.ptr, b.len) != 0)
		abort();
	if (q.type != p.type || q.id != p.id || q.has_stat != p.has_stat || q.data_len != p.data_len ||
	    (p.data_len && memcmp(q.data, p.data, p.data_len)))
		abort();
	if (p.has_stat && (q.stat.path_len != p.stat.path_len || q.stat.mode != p.stat.mode ||
	    q.stat.size != p.stat.size || q.stat.mod_time != p.stat.mod_time ||
	    q.stat.linkname_len != p.stat.linkname_len || q.stat.devmajor != p.stat.devmajor ||
	    (p.stat.path_len && memcmp(q.stat.path, p.stat.path, p.stat.path_len))))
		abort();
	dkbuf_dispose(&b);
}

static void status(const uint8_t *d, size_t n)
{
	dkbuf o = DKBUF_INIT;
	int rc;

	dkbuf_puts(&o, "x");
	rc = dk_bk_status_to_json(&o, d, n);
	if (rc == 0) {
		if (o.len < 3 || o.ptr[1] != '{' || o.ptr[o.len - 1] != '}')
			abort();
	} else if (o.len != 1 || rc != DK_EPROTO) {
		abort();
	}
	dkbuf_dispose(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *d;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	d = malloc(n ? n : 1); /* exact size: ASan catches any over-read */
	memcpy(d, data + 1, n);
	switch (data[0] % 4) {
	case 0:
		packet(d, n);
		break;
	case 1:
		status(d, n);
		break;
	case 2: {
		dkbuf o = DKBUF_INIT;
		if (dk_b64_decode(&o, (const char *)d, n) == 0 && o.len > n / 4 * 3 + 3)
			abort();
		dkbuf_dispose(&o);
		break;
	}
	default: {
		const unsigned char *s;
		size_t sl;
		if (dk_pb_get_field1(d, n, &s, &sl) == 0 && sl && (s < d || s + sl > d + n))
			abort();
		break;
	}
	}
	free(d);
	return 0;
}
