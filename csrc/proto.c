/* A minimal protobuf wire codec and gRPC message framing (see proto_int.h). */
#include "proto_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

#define NOMEM() dk__err(DK_ENOMEM, 0, 0, "out of memory")

/* --- varints and fields ------------------------------------------------------ */

size_t dk_pb_varint_decode(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < 10 && p + i < end; i++) {
		unsigned char c = p[i];
		if (i == 9 && c > 1)
			return 0; /* more than 64 bits */
		x |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

size_t dk_pb_varint_encode(unsigned char *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (unsigned char)v;
	return n;
}

size_t dk_pb_varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

void dk_pb_reader_init(dk_pb_reader *r, const void *buf, size_t len)
{
	static const unsigned char none[1];

	r->p = buf ? buf : none;
	r->end = r->p + (buf ? len : 0);
}

int dk_pb_next(dk_pb_reader *r, dk_pb_field *f)
{
	uint64_t key, v;
	size_t n;

	if (r->p >= r->end)
		return 0;
	n = dk_pb_varint_decode(r->p, r->end, &key);
	if (!n)
		return dk__err(DK_EPROTO, 0, 0, "protobuf: truncated field key");
	r->p += n;
	if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff)
		return dk__err(DK_EPROTO, 0, 0, "protobuf: bad field number");
	f->num = (uint32_t)(key >> 3);
	f->wire = (int)(key & 7);
	f->v = 0;
	f->data = NULL;
	f->len = 0;
	switch (f->wire) {
	case DK_PB_VARINT:
		n = dk_pb_varint_decode(r->p, r->end, &f->v);
		if (!n)
			return dk__err(DK_EPROTO, 0, 0, "protobuf: truncated varint (field %u)", f->num);
		r->p += n;
		return 1;
	case DK_PB_I64:
	case DK_PB_I32: {
		size_t w = f->wire == DK_PB_I64 ? 8 : 4, i;
		if ((size_t)(r->end - r->p) < w)
			return dk__err(DK_EPROTO, 0, 0, "protobuf: truncated fixed field %u", f->num);
		for (i = 0; i < w; i++)
			f->v |= (uint64_t)r->p[i] << (8 * i);
		r->p += w;
		return 1;
	}
	case DK_PB_LEN:
		n = dk_pb_varint_decode(r->p, r->end, &v);
		if (!n)
			return dk__err(DK_EPROTO, 0, 0, "protobuf: truncated length (field %u)", f->num);
		r->p += n;
		if (v > (uint64_t)(r->end - r->p))
			return dk__err(DK_EPROTO, 0, 0, "protobuf: field %u runs past the message", f->num);
		f->data = r->p;
		f->len = (size_t)v;
		r->p += v;
		return 1;
	default:
		return dk__err(DK_EPROTO, 0, 0, "protobuf: unsupported wire type %d (field %u)",
			f->wire, f->num);
	}
}

static int put_key(dkbuf *b, uint32_t num, int wire)
{
	unsigned char t[10];
	size_t n = dk_pb_varint_encode(t, ((uint64_t)num << 3) | (unsigned)wire);

	return dkbuf_put(b, (const char *)t, n) ? NOMEM() : 0;
}

static int put_varint(dkbuf *b, uint64_t v)
{
	unsigned char t[10];
	size_t n = dk_pb_varint_encode(t, v);

	return dkbuf_put(b, (const char *)t, n) ? NOMEM() : 0;
}

int dk_pb_put_varint_field(dkbuf *b, uint32_t num, uint64_t v)
{
	int rc;

	if (!v)
		return 0;
	if ((rc = put_key(b, num, DK_PB_VARINT)))
		return rc;
	return put_varint(b, v);
}

int dk_pb_put_bytes_field_always(dkbuf *b, uint32_t num, const void *data, size_t len)
{
	int rc;

	if ((rc = put_key(b, num, DK_PB_LEN)) || (rc = put_varint(b, len)))
		return rc;
	return len && dkbuf_put(b, data, len) ? NOMEM() : 0;
}

int dk_pb_put_bytes_field(dkbuf *b, uint32_t num, const void *data, size_t len)
{
	return len ? dk_pb_put_bytes_field_always(b, num, data, len) : 0;
}

static size_t varint_field_size(uint32_t num, uint64_t v)
{
	return v ? dk_pb_varint_size((uint64_t)num << 3) + dk_pb_varint_size(v) : 0;
}

static size_t bytes_field_size(uint32_t num, size_t len)
{
	return len ? dk_pb_varint_size((uint64_t)num << 3) + dk_pb_varint_size(len) + len : 0;
}

/* --- fsutil ---------------------------------------------------------------- */

static size_t stat_size(const dk_fs_stat *s)
{
	return bytes_field_size(1, s->path_len) + varint_field_size(2, s->mode) +
		varint_field_size(3, s->uid) + varint_field_size(4, s->gid) +
		varint_field_size(5, (uint64_t)s->size) + varint_field_size(6, (uint64_t)s->mod_time) +
		bytes_field_size(7, s->linkname_len) + varint_field_size(8, (uint64_t)s->devmajor) +
		varint_field_size(9, (uint64_t)s->devminor);
}

size_t dk_fs_packet_size(const dk_fs_packet *p)
{
	size_t n = varint_field_size(1, (uint64_t)(unsigned)p->type);

	if (p->has_stat) {
		size_t s = stat_size(&p->stat);
		n += dk_pb_varint_size(2 << 3) + dk_pb_varint_size(s) + s;
	}
	return n + varint_field_size(3, p->id) + bytes_field_size(4, p->data_len);
}

int dk_fs_packet_encode(dkbuf *b, const dk_fs_packet *p)
{
	int rc;

	if (p->type < DK_FS_STAT || p->type > DK_FS_ERR)
		return dk__err(DK_EINVAL, 0, 0, "fsutil: bad packet type %d", p->type);
	if ((rc = dk_pb_put_varint_field(b, 1, (uint64_t)(unsigned)p->type)))
		return rc;
	if (p->has_stat) {
		const dk_fs_stat *s = &p->stat;
		if ((rc = put_key(b, 2, DK_PB_LEN)) || (rc = put_varint(b, stat_size(s))) ||
		    (rc = dk_pb_put_bytes_field(b, 1, s->path, s->path_len)) ||
		    (rc = dk_pb_put_varint_field(b, 2, s->mode)) ||
		    (rc = dk_pb_put_varint_field(b, 3, s->uid)) ||
		    (rc = dk_pb_put_varint_field(b, 4, s->gid)) ||
		    (rc = dk_pb_put_varint_field(b, 5, (uint64_t)s->size)) ||
		    (rc = dk_pb_put_varint_field(b, 6, (uint64_t)s->mod_time)) ||
		    (rc = dk_pb_put_bytes_field(b, 7, s->linkname, s->linkname_len)) ||
		    (rc = dk_pb_put_varint_field(b, 8, (uint64_t)s->devmajor)) ||
		    (rc = dk_pb_put_varint_field(b, 9, (uint64_t)s->devminor)))
			return rc;
	}
	if ((rc = dk_pb_put_varint_field(b, 3, p->id)))
		return rc;
	return dk_pb_put_bytes_field(b, 4, p->data, p->data_len);
}

static int want(const dk_pb_field *f, int wire, const char *what)
{
	if (f->wire != wire)
		return dk__err(DK_EPROTO, 0, 0, "protobuf: %s field %u has wire type %d", what, f->num, f->wire);
	return 0;
}

static int stat_decode(dk_fs_stat *s, const unsigned char *buf, size_t len)
{
	dk_pb_reader r;
	dk_pb_field f = {0, 0, 0, NULL, 0};
	int rc;

	memset(s, 0, sizeof(*s));
	dk_pb_reader_init(&r, buf, len);
	while ((rc = dk_pb_next(&r, &f)) == 1) {
		int w = f.num == 1 || f.num == 7 || f.num == 10 ? DK_PB_LEN : DK_PB_VARINT;
		if (f.num > 10)
			continue;
		if ((rc = want(&f, w, "Stat")))
			return rc;
		switch (f.num) {
		case 1: s->path = (const char *)f.data; s->path_len = f.len; break;
		case 2: s->mode = (uint32_t)f.v; break;
		case 3: s->uid = (uint32_t)f.v; break;
		case 4: s->gid = (uint32_t)f.v; break;
		case 5: s->size = (int64_t)f.v; break;
		case 6: s->mod_time = (int64_t)f.v; break;
		case 7: s->linkname = (const char *)f.data; s->linkname_len = f.len; break;
		case 8: s->devmajor = (int64_t)f.v; break;
		case 9: s->devminor = (int64_t)f.v; break;
		case 10: {
			/* map entry: key=1 (string), value=2 (bytes); checked, not kept */
			dk_pb_reader e;
			dk_pb_field g = {0, 0, 0, NULL, 0};
			dk_pb_reader_init(&e, f.data, f.len);
			while ((rc = dk_pb_next(&e, &g)) == 1)
				if ((g.num == 1 || g.num == 2) && (rc = want(&g, DK_PB_LEN, "xattr")))
					return rc;
			if (rc < 0)
				return rc;
			s->nxattrs++;
			break;
		}
		}
	}
	return rc;
}

int dk_fs_packet_decode(dk_fs_packet *p, const void *buf, size_t len)
{
	dk_pb_reader r;
	dk_pb_field f = {0, 0, 0, NULL, 0};
	int rc;

	memset(p, 0, sizeof(*p));
	dk_pb_reader_init(&r, buf, len);
	while ((rc = dk_pb_next(&r, &f)) == 1) {
		switch (f.num) {
		case 1:
			if ((rc = want(&f, DK_PB_VARINT, "Packet")))
				return rc;
			if (f.v > DK_FS_ERR)
				return dk__err(DK_EPROTO, 0, 0, "fsutil: unknown packet type %llu",
					(unsigned long long)f.v);
			p->type = (int)f.v;
			break;
		case 2:
			if ((rc = want(&f, DK_PB_LEN, "Packet")) || (rc = stat_decode(&p->stat, f.data, f.len)))
				return rc;
			p->has_stat = 1;
			break;
		case 3:
			if ((rc = want(&f, DK_PB_VARINT, "Packet")))
				return rc;
			p->id = (uint32_t)f.v;
			break;
		case 4:
			if ((rc = want(&f, DK_PB_LEN, "Packet")))
				return rc;
			p->data = f.data;
			p->data_len = f.len;
			break;
		default:
			break;
		}
	}
	return rc;
}

/* --- the small messages ---------------------------------------------------- */

int dk_pb_get_field1(const void *buf, size_t len, const unsigned char **s, size_t *slen)
{
	dk_pb_reader r;
	dk_pb_field f = {0, 0, 0, NULL, 0};
	int rc;

	*s = NULL;
	*slen = 0;
	dk_pb_reader_init(&r, buf, len);
	while ((rc = dk_pb_next(&r, &f)) == 1) {
		if (f.num != 1)
			continue;
		if ((rc = want(&f, DK_PB_LEN, "request")))
			return rc;
		*s = f.data;
		*slen = f.len;
	}
	return rc;
}

int dk_pb_health_serving(dkbuf *b)
{
	return dk_pb_put_varint_field(b, 1, 1);
}

int dk_pb_credentials_response(dkbuf *b, const char *user, const char *secret)
{
	int rc = dk_pb_put_bytes_field(b, 1, user, user ? strlen(user) : 0);
	return rc ? rc : dk_pb_put_bytes_field(b, 2, secret, secret ? strlen(secret) : 0);
}

/* --- base64 ---------------------------------------------------------------- */

int dk_b64_decode(dkbuf *out, const char *s, size_t len)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, pad = 0;

	if (dkbuf_grow(out, len / 4 * 3 + 3))
		return NOMEM();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return dk__err(DK_EPROTO, 0, 0, "base64: data after padding");
		if (c >= 'A' && c <= 'Z') v = c - 'A';
		else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
		else if (c >= '0' && c <= '9') v = c - '0' + 52;
		else if (c == '+') v = 62;
		else if (c == '/') v = 63;
		else return dk__err(DK_EPROTO, 0, 0, "base64: bad character 0x%02x", c);
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->ptr[out->len++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (pad > 2 || bits >= 6)
		return dk__err(DK_EPROTO, 0, 0, "base64: bad length");
	out->ptr[out->len] = '\0';
	return 0;
}

/* --- StatusResponse -> JSON --------------------------------------------------- */

/* a JSON string of bytes: escapes, invalid UTF-8 as U+FFFD */
static int json_str(dkbuf *o, const unsigned char *s, size_t n)
{
	size_t i = 0;

	if (dkbuf_putc(o, '"'))
		return NOMEM();
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			int r;
			if (c == '"' || c == '\\')
				r = dkbuf_putc(o, '\\') || dkbuf_putc(o, (char)c);
			else if (c == '\n')
				r = dkbuf_puts(o, "\\n");
			else if (c == '\r')
				r = dkbuf_puts(o, "\\r");
			else if (c == '\t')
				r = dkbuf_puts(o, "\\t");
			else if (c < 0x20 || c == 0x7f)
				r = dkbuf_printf(o, "\\u%04x", c);
			else
				r = dkbuf_putc(o, (char)c);
			if (r)
				return NOMEM();
			i++;
			continue;
		}
		{
			size_t need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0, k;
			uint32_t cp;
			int ok = need && i + need <= n && !(c >= 0xf5);
			if (ok) {
				cp = c & (need == 2 ? 0x1f : need == 3 ? 0x0f : 0x07);
				for (k = 1; k < need; k++) {
					if ((s[i + k] & 0xc0) != 0x80) {
						ok = 0;
						break;
					}
					cp = (cp << 6) | (s[i + k] & 0x3f);
				}
				if (ok && ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
				    (need == 4 && (cp < 0x10000 || cp > 0x10ffff))))
					ok = 0;
			}
			if (ok) {
				if (dkbuf_put(o, (const char *)s + i, need))
					return NOMEM();
				i += need;
			} else {
				if (dkbuf_puts(o, "\xef\xbf\xbd"))
					return NOMEM();
				i++;
			}
		}
	}
	return dkbuf_putc(o, '"') ? NOMEM() : 0;
}

static int json_key(dkbuf *o, int *first, const char *key)
{
	int r = dkbuf_printf(o, "%s\"%s\":", *first ? "" : ",", key);
	*first = 0;
	return r ? NOMEM() : 0;
}

/* google.protobuf.Timestamp -> "2006-01-02T15:04:05.999999999Z" */
static int json_time(dkbuf *o, const unsigned char *buf, size_t len)
{
	dk_pb_reader r;
	dk_pb_field f = {0, 0, 0, NULL, 0};
	int64_t sec = 0;
	int64_t nanos = 0;
	struct tm tm;
	time_t t;
	char tb[64];
	int rc;

	dk_pb_reader_init(&r, buf, len);
	while ((rc = dk_pb_next(&r, &f)) == 1) {
		if (f.num == 1 && f.wire == DK_PB_VARINT)
			sec = (int64_t)f.v;
		else if (f.num == 2 && f.wire == DK_PB_VARINT)
			nanos = (int64_t)(int32_t)f.v;
	}
	if (rc < 0)
		return rc;
	if (nanos < 0 || nanos > 999999999)
		nanos = 0;
	if (sec < -62135596800LL || sec > 253402300799LL)
		sec = 0; /* outside years 1..9999 */
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(tb, sizeof(tb), "%Y-%m-%dT%H:%M:%S", &tm);
	return dkbuf_printf(o, "\"%s.%09lldZ\"", tb, (long long)nanos) ? NOMEM() : 0;
}

/* field kinds inside each message: 's' string, 'b' bytes(as text), 'i' int,
 * 'B' bool, 't' timestamp, 'S' repeated string, 'x' skipped */
typedef struct field_spec {
	uint32_t num;
	char kind;
	const char *name;
} field_spec;

static const field_spec vertex_spec[] = {
	{1, 's', "digest"}, {2, 'S', "inputs"}, {3, 's', "name"}, {4, 'B', "cached"},
	{5, 't', "started"}, {6, 't', "completed"}, {7, 's', "error"}, {0, 0, NULL}};
static const field_spec status_spec[] = {
	{1, 's', "id"}, {2, 's', "vertex"}, {3, 's', "name"}, {4, 'i', "current"},
	{5, 'i', "total"}, {6, 't', "timestamp"}, {7, 't', "started"}, {8, 't', "completed"},
	{0, 0, NULL}};
static const field_spec log_spec[] = {
	{1, 's', "vertex"}, {2, 't', "timestamp"}, {3, 'i', "stream"}, {4, 'b', "data"},
	{0, 0, NULL}};
static const field_spec warning_spec[] = {
	{1, 's', "vertex"}, {2, 'i', "level"}, {3, 'b', "short"}, {4, 'S', "detail"},
	{5, 's', "url"}, {0, 0, NULL}};

static const field_spec *spec_find(const field_spec *spec, uint32_t num)
{
	for (; spec->name; spec++)
		if (spec->num == num)
			return spec;
	return NULL;
}

/* One message as a JSON object. Repeated strings are gathered in order. */
static int json_message(dkbuf *o, const field_spec *spec, const unsigned char *buf, size_t len)
{
	dk_pb_reader r;
	dk_pb_field f = {0, 0, 0, NULL, 0};
	int rc, first = 1;
	const field_spec *sp;

	if (dkbuf_putc(o, '{'))
		return NOMEM();
	/* scalars and single strings, in field order of the input */
	dk_pb_reader_init(&r, buf, len);
	while ((rc = dk_pb_next(&r, &f)) == 1) {
		sp = spec_find(spec, f.num);
		if (!sp || sp->kind == 'S')
			continue;
		if ((sp->kind == 'i' || sp->kind == 'B') ? f.wire != DK_PB_VARINT : f.wire != DK_PB_LEN)
			return dk__err(DK_EPROTO, 0, 0, "protobuf: status field %s has wire type %d",
				sp->name, f.wire);
		if ((rc = json_key(o, &first, sp->name)))
			return rc;
		switch (sp->kind) {
		case 's':
		case 'b':
			rc = json_str(o, f.data, f.len);
			break;
		case 'i':
			rc = dkbuf_printf(o, "%lld", (long long)(int64_t)f.v) ? NOMEM() : 0;
			break;
		case 'B':
			rc = dkbuf_puts(o, f.v ? "true" : "false") ? NOMEM() : 0;
			break;
		case 't':
			rc = json_time(o, f.data, f.len);
			break;
		}
		if (rc)
			return rc;
	}
	if (rc < 0)
		return rc;
	for (sp = spec; sp->name; sp++) {
		int n = 0;
		if (sp->kind != 'S')
			continue;
		dk_pb_reader_init(&r, buf, len);
		while ((rc = dk_pb_next(&r, &f)) == 1) {
			if (f.num != sp->num)
				continue;
			if (f.wire != DK_PB_LEN)
				return dk__err(DK_EPROTO, 0, 0, "protobuf: status field %s has wire type %d",
					sp->name, f.wire);
			if (!n++ && ((rc = json_key(o, &first, sp->name)) || (rc = dkbuf_putc(o, '[') ? NOMEM() : 0)))
				return rc;
			if ((n > 1 && dkbuf_putc(o, ',')) )
				return NOMEM();
			if ((rc = json_str(o, f.data, f.len)))
				return rc;
		}
		if (rc < 0)
			return rc;
		if (n && dkbuf_putc(o, ']'))
			return NOMEM();
	}
	return dkbuf_putc(o, '}') ? NOMEM() : 0;
}

static int status_to_json(dkbuf *out, const void *buf, size_t len);

int dk_bk_status_to_json(dkbuf *out, const void *buf, size_t len)
{
	size_t start = out->len;
	int rc = status_to_json(out, buf, len);

	if (rc && out->ptr) {
		out->len = start; /* nothing half-written is left */
		out->ptr[start] = '\0';
	}
	return rc;
}

static int status_to_json(dkbuf *out, const void *buf, size_t len)
{
	static const struct {
		uint32_t num;
		const char *name;
		const field_spec *spec;
	} lists[] = {
		{1, "vertexes", vertex_spec}, {2, "statuses", status_spec},
		{3, "logs", log_spec}, {4, "warnings", warning_spec}};
	dk_pb_reader r;
	dk_pb_field f = {0, 0, 0, NULL, 0};
	size_t i;
	int rc, first = 1;

	/* the top level first: a malformed message fails before any output */
	dk_pb_reader_init(&r, buf, len);
	while ((rc = dk_pb_next(&r, &f)) == 1)
		if (f.num <= 4 && f.wire != DK_PB_LEN)
			return dk__err(DK_EPROTO, 0, 0, "protobuf: StatusResponse field %u has wire type %d",
				f.num, f.wire);
	if (rc < 0)
		return rc;
	if (dkbuf_putc(out, '{'))
		return NOMEM();
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		int n = 0;
		dk_pb_reader_init(&r, buf, len);
		while ((rc = dk_pb_next(&r, &f)) == 1) {
			if (f.num != lists[i].num)
				continue;
			if (!n++ && ((rc = json_key(out, &first, lists[i].name)) ||
			    (rc = dkbuf_putc(out, '[') ? NOMEM() : 0)))
				return rc;
			if (n > 1 && dkbuf_putc(out, ','))
				return NOMEM();
			if ((rc = json_message(out, lists[i].spec, f.data, f.len)))
				return rc;
		}
		if (rc < 0)
			return rc;
		if (n && dkbuf_putc(out, ']'))
			return NOMEM();
	}
	return dkbuf_putc(out, '}') ? NOMEM() : 0;
}

/* --- gRPC framing ---------------------------------------------------------- */

void dk_grpc_reader_init(dk_grpc_reader *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max ? max : DK_GRPC_MAX_MSG;
}

int dk_grpc_reader_feed(dk_grpc_reader *r, const void *data, size_t len)
{
	if (r->pos && r->pos == r->buf.len) {
		dkbuf_clear(&r->buf);
		r->pos = 0;
	} else if (r->pos > ((size_t)64 << 10)) {
		dkbuf_consume(&r->buf, r->pos);
		r->pos = 0;
	}
	return len && dkbuf_put(&r->buf, data, len) ? NOMEM() : 0;
}

int dk_grpc_reader_next(dk_grpc_reader *r, const unsigned char **msg, size_t *len)
{
	const unsigned char *p;
	size_t have = r->buf.len - r->pos;
	uint32_t n;

	*msg = NULL;
	*len = 0;
	if (!r->buf.ptr)
		return 0; /* nothing fed yet */
	p = (const unsigned char *)r->buf.ptr + r->pos;
	if (have < 5)
		return 0;
	if (p[0] != 0)
		return dk__err(DK_EPROTO, 0, 0, "gRPC: %s message (flag 0x%02x)",
			p[0] == 1 ? "a compressed" : "a malformed", p[0]);
	n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
	if (n > r->max)
		return dk__err(DK_EPROTO, 0, 0, "gRPC: a message of %u bytes exceeds %zu", n, r->max);
	if (have - 5 < n)
		return 0;
	*msg = p + 5;
	*len = n;
	r->pos += 5 + (size_t)n;
	return 1;
}

int dk_grpc_reader_partial(const dk_grpc_reader *r)
{
	return r->buf.len > r->pos;
}

void dk_grpc_reader_dispose(dk_grpc_reader *r)
{
	dkbuf_dispose(&r->buf);
	r->pos = 0;
}

int dk_grpc_put_prefix(dkbuf *b, size_t len)
{
	unsigned char h[5];

	if (len > 0xffffffffu)
		return dk__err(DK_EINVAL, 0, 0, "gRPC: message too large");
	h[0] = 0;
	h[1] = (unsigned char)(len >> 24);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 8);
	h[4] = (unsigned char)len;
	return dkbuf_put(b, (const char *)h, 5) ? NOMEM() : 0;
}
