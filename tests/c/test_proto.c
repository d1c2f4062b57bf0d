/* Sans-I/O tests of the BuildKit codecs: protobuf wire format, fsutil
 * packets (every kind), the small gRPC messages, StatusResponse -> JSON,
 * base64, gRPC framing split at every byte, and the fsutil walk order and
 * filters. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"
#include "dktest.h"
#include "fsutil_int.h"
#include "proto_int.h"

static void test_varint(void)
{
	static const uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384, 0xffffffffull,
		0x7fffffffffffffffull, 0xffffffffffffffffull};
	unsigned char b[16];
	size_t i, n, m;
	uint64_t v;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		n = dk_pb_varint_encode(b, vals[i]);
		CHECK(n == dk_pb_varint_size(vals[i]));
		m = dk_pb_varint_decode(b, b + n, &v);
		CHECK(m == n && v == vals[i]);
		/* truncated: never read past the end */
		if (n > 1)
			CHECK(dk_pb_varint_decode(b, b + n - 1, &v) == 0);
	}
	/* 300 = ac 02 (the protobuf documentation's example) */
	n = dk_pb_varint_encode(b, 300);
	CHECK(n == 2 && b[0] == 0xac && b[1] == 0x02);
	/* 11 bytes of continuation: too long */
	memset(b, 0xff, 11);
	CHECK(dk_pb_varint_decode(b, b + 11, &v) == 0);
	/* 10th byte > 1 overflows 64 bits */
	memset(b, 0xff, 9);
	b[9] = 0x02;
	CHECK(dk_pb_varint_decode(b, b + 10, &v) == 0);
}

static void test_reader_errors(void)
{
	dk_pb_reader r;
	dk_pb_field f;
	/* field 1 LEN 5 but only 2 bytes */
	static const unsigned char past[] = {0x0a, 0x05, 'a', 'b'};
	/* wire type 3 (group) */
	static const unsigned char group[] = {0x0b};
	/* field number 0 */
	static const unsigned char zero[] = {0x00, 0x01};
	/* fixed64 / fixed32 are skipped correctly */
	static const unsigned char fixed[] = {0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 9, 9, 9, 9, 0x18, 0x07};

	dk_pb_reader_init(&r, past, sizeof(past));
	CHECK(dk_pb_next(&r, &f) == DK_EPROTO);
	dk_pb_reader_init(&r, group, sizeof(group));
	CHECK(dk_pb_next(&r, &f) == DK_EPROTO);
	dk_pb_reader_init(&r, zero, sizeof(zero));
	CHECK(dk_pb_next(&r, &f) == DK_EPROTO);
	dk_pb_reader_init(&r, fixed, sizeof(fixed));
	CHECK(dk_pb_next(&r, &f) == 1 && f.wire == DK_PB_I64 && f.v == 0x0807060504030201ull);
	CHECK(dk_pb_next(&r, &f) == 1 && f.wire == DK_PB_I32 && f.v == 0x09090909u);
	CHECK(dk_pb_next(&r, &f) == 1 && f.num == 3 && f.v == 7);
	CHECK(dk_pb_next(&r, &f) == 0);
}

static void roundtrip(const dk_fs_packet *p)
{
	dkbuf b = DKBUF_INIT;
	dk_fs_packet q;

	CHECK(dk_fs_packet_encode(&b, p) == 0);
	CHECK(b.len == dk_fs_packet_size(p));
	CHECK(dk_fs_packet_decode(&q, b.ptr, b.len) == 0);
	CHECK(q.type == p->type && q.id == p->id && q.has_stat == p->has_stat);
	CHECK(q.data_len == p->data_len && (!q.data_len || !memcmp(q.data, p->data, q.data_len)));
	if (p->has_stat) {
		CHECK(q.stat.path_len == p->stat.path_len && !memcmp(q.stat.path, p->stat.path, q.stat.path_len));
		CHECK(q.stat.mode == p->stat.mode && q.stat.uid == p->stat.uid && q.stat.gid == p->stat.gid);
		CHECK(q.stat.size == p->stat.size && q.stat.mod_time == p->stat.mod_time);
		CHECK(q.stat.linkname_len == p->stat.linkname_len);
		CHECK(q.stat.devmajor == p->stat.devmajor && q.stat.devminor == p->stat.devminor);
	}
	/* every truncation is refused or decodes without reading past the end */
	{
		size_t cut;
		for (cut = 0; cut < b.len; cut++) {
			char *t = malloc(cut ? cut : 1);
			memcpy(t, b.ptr, cut);
			(void)dk_fs_packet_decode(&q, t, cut);
			free(t);
		}
	}
	dkbuf_dispose(&b);
}

static void test_packets(void)
{
	dk_fs_packet p;
	dkbuf b = DKBUF_INIT;
	static const unsigned char data[] = "file bytes\0with a NUL";

	/* STAT of a file, a directory, a symlink, a device */
	memset(&p, 0, sizeof(p));
	p.type = DK_FS_STAT;
	p.has_stat = 1;
	p.stat.path = "dir/file.txt";
	p.stat.path_len = 12;
	p.stat.mode = 0644;
	p.stat.size = 1234567;
	p.stat.mod_time = 1700000000123456789LL;
	roundtrip(&p);
	p.stat.path = "dir";
	p.stat.path_len = 3;
	p.stat.mode = DK_FS_MODE_DIR | 0755;
	p.stat.size = 0;
	p.stat.uid = 1000;
	p.stat.gid = 1000;
	roundtrip(&p);
	p.stat.mode = DK_FS_MODE_SYMLINK | 0777;
	p.stat.linkname = "../target";
	p.stat.linkname_len = 9;
	p.stat.size = 9;
	roundtrip(&p);
	p.stat.mode = DK_FS_MODE_DEVICE | DK_FS_MODE_CHARDEV | 0666;
	p.stat.linkname = NULL;
	p.stat.linkname_len = 0;
	p.stat.devmajor = 1;
	p.stat.devminor = 3;
	roundtrip(&p);
	/* the end of the walk: a STAT without stat is an empty message */
	memset(&p, 0, sizeof(p));
	p.type = DK_FS_STAT;
	CHECK(dk_fs_packet_encode(&b, &p) == 0 && b.len == 0);
	roundtrip(&p);
	/* REQ, DATA (with data, then the empty end), FIN, ERR */
	memset(&p, 0, sizeof(p));
	p.type = DK_FS_REQ;
	p.id = 4242;
	roundtrip(&p);
	p.type = DK_FS_DATA;
	p.data = data;
	p.data_len = sizeof(data);
	roundtrip(&p);
	p.data = NULL;
	p.data_len = 0;
	roundtrip(&p);
	p.type = DK_FS_FIN;
	p.id = 0;
	roundtrip(&p);
	p.type = DK_FS_ERR;
	p.data = (const unsigned char *)"boom";
	p.data_len = 4;
	roundtrip(&p);
	/* a bad type is refused on both sides */
	p.type = 9;
	CHECK(dk_fs_packet_encode(&b, &p) == DK_EINVAL);
	{
		static const unsigned char bad[] = {0x08, 0x09};
		static const unsigned char wrongwire[] = {0x0a, 0x00}; /* type as LEN */
		static const unsigned char xattr[] = {0x12, 0x0c, 0x0a, 0x01, 'x', 0x52, 0x07,
			0x0a, 0x01, 'k', 0x12, 0x02, 'v', 'v'};
		CHECK(dk_fs_packet_decode(&p, bad, sizeof(bad)) == DK_EPROTO);
		CHECK(dk_fs_packet_decode(&p, wrongwire, sizeof(wrongwire)) == DK_EPROTO);
		CHECK(dk_fs_packet_decode(&p, xattr, sizeof(xattr)) == 0 && p.has_stat &&
			p.stat.nxattrs == 1 && p.stat.path_len == 1);
	}
	/* Go's encoding of Packet{Type: DATA, ID: 2, Data: "ab"} */
	{
		static const unsigned char go[] = {0x08, 0x02, 0x18, 0x02, 0x22, 0x02, 'a', 'b'};
		memset(&p, 0, sizeof(p));
		p.type = DK_FS_DATA;
		p.id = 2;
		p.data = (const unsigned char *)"ab";
		p.data_len = 2;
		dkbuf_clear(&b);
		CHECK(dk_fs_packet_encode(&b, &p) == 0 && b.len == sizeof(go) && !memcmp(b.ptr, go, sizeof(go)));
	}
	dkbuf_dispose(&b);
}

static void test_small_messages(void)
{
	dkbuf b = DKBUF_INIT;
	const unsigned char *s;
	size_t n;
	static const unsigned char req[] = {0x0a, 0x07, 'm', 'y', 's', 'e', 'c', 'r', 't',
		0x12, 0x04, 0x0a, 0x00, 0x12, 0x00};

	CHECK(dk_pb_health_serving(&b) == 0 && b.len == 2 && b.ptr[0] == 0x08 && b.ptr[1] == 0x01);
	dkbuf_clear(&b);
	CHECK(dk_pb_credentials_response(&b, "user", "pw") == 0);
	CHECK(b.len == 10 && !memcmp(b.ptr, "\x0a\x04user\x12\x02pw", 10));
	dkbuf_clear(&b);
	CHECK(dk_pb_credentials_response(&b, NULL, NULL) == 0 && b.len == 0);
	CHECK(dk_pb_get_field1(req, sizeof(req), &s, &n) == 0 && n == 7 && !memcmp(s, "mysecrt", 7));
	CHECK(dk_pb_get_field1("", 0, &s, &n) == 0 && n == 0 && s == NULL);
	CHECK(dk_pb_get_field1("\x08\x01", 2, &s, &n) == DK_EPROTO);
	dkbuf_dispose(&b);
}

static void test_status_json(void)
{
	dkbuf pb = DKBUF_INIT, v = DKBUF_INIT, st = DKBUF_INIT, ts = DKBUF_INIT, lg = DKBUF_INIT,
	      w = DKBUF_INIT, out = DKBUF_INIT;
	dk_value *val = NULL;

	/* Timestamp{seconds: 1700000000, nanos: 5} */
	CHECK(dk_pb_put_varint_field(&ts, 1, 1700000000) == 0 && dk_pb_put_varint_field(&ts, 2, 5) == 0);
	/* Vertex */
	dk_pb_put_bytes_field(&v, 1, "sha256:aa", 9);
	dk_pb_put_bytes_field(&v, 2, "sha256:in1", 10);
	dk_pb_put_bytes_field(&v, 2, "sha256:in2", 10);
	dk_pb_put_bytes_field(&v, 3, "[1/2] RUN echo \"hi\"", 19);
	dk_pb_put_varint_field(&v, 4, 1);
	dk_pb_put_bytes_field(&v, 5, ts.ptr, ts.len);
	dk_pb_put_bytes_field(&v, 7, "failed", 6);
	dk_pb_put_bytes_field(&v, 8, "\x0a\x01x", 3); /* progressGroup: skipped */
	/* VertexStatus */
	dk_pb_put_bytes_field(&st, 1, "transferring", 12);
	dk_pb_put_bytes_field(&st, 2, "sha256:aa", 9);
	dk_pb_put_varint_field(&st, 4, 52);
	dk_pb_put_varint_field(&st, 5, 100);
	/* VertexLog with bytes that are not UTF-8 and a control character */
	dk_pb_put_bytes_field(&lg, 1, "sha256:aa", 9);
	dk_pb_put_varint_field(&lg, 3, 2);
	dk_pb_put_bytes_field(&lg, 4, "ok\xff\x01\xc3\xa9\n", 7);
	/* VertexWarning */
	dk_pb_put_bytes_field(&w, 1, "sha256:aa", 9);
	dk_pb_put_varint_field(&w, 2, 1);
	dk_pb_put_bytes_field(&w, 3, "short", 5);
	dk_pb_put_bytes_field(&w, 4, "d1", 2);
	dk_pb_put_bytes_field(&w, 4, "d2", 2);
	dk_pb_put_bytes_field(&w, 5, "https://x", 9);
	dk_pb_put_bytes_field(&pb, 1, v.ptr, v.len);
	dk_pb_put_bytes_field(&pb, 2, st.ptr, st.len);
	dk_pb_put_bytes_field(&pb, 3, lg.ptr, lg.len);
	dk_pb_put_bytes_field(&pb, 4, w.ptr, w.len);
	dk_pb_put_varint_field(&pb, 9, 5); /* unknown: skipped */
	CHECK(dk_bk_status_to_json(&out, pb.ptr, pb.len) == 0);
	CHECK(strstr(out.ptr, "\"digest\":\"sha256:aa\"") != NULL);
	CHECK(strstr(out.ptr, "\"inputs\":[\"sha256:in1\",\"sha256:in2\"]") != NULL);
	CHECK(strstr(out.ptr, "\"name\":\"[1/2] RUN echo \\\"hi\\\"\"") != NULL);
	CHECK(strstr(out.ptr, "\"cached\":true") != NULL);
	CHECK(strstr(out.ptr, "\"started\":\"2023-11-14T22:13:20.000000005Z\"") != NULL);
	CHECK(strstr(out.ptr, "\"error\":\"failed\"") != NULL);
	CHECK(strstr(out.ptr, "\"current\":52,\"total\":100") != NULL);
	CHECK(strstr(out.ptr, "\"data\":\"ok\xef\xbf\xbd\\u0001\xc3\xa9\\n\"") != NULL);
	CHECK(strstr(out.ptr, "\"stream\":2") != NULL);
	CHECK(strstr(out.ptr, "\"detail\":[\"d1\",\"d2\"]") != NULL);
	/* through the public call: base64 in, a value out */
	{
		static const char b64[] = "+/=";
		static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		dkbuf e = DKBUF_INIT, back = DKBUF_INIT;
		size_t i;
		for (i = 0; i + 2 < pb.len; i += 3) {
			uint32_t x = (uint32_t)(unsigned char)pb.ptr[i] << 16 | (uint32_t)(unsigned char)pb.ptr[i + 1] << 8 |
				(unsigned char)pb.ptr[i + 2];
			dkbuf_putc(&e, tbl[x >> 18]); dkbuf_putc(&e, tbl[(x >> 12) & 63]);
			dkbuf_putc(&e, tbl[(x >> 6) & 63]); dkbuf_putc(&e, tbl[x & 63]);
		}
		if (pb.len - i == 1) {
			uint32_t x = (uint32_t)(unsigned char)pb.ptr[i] << 16;
			dkbuf_putc(&e, tbl[x >> 18]); dkbuf_putc(&e, tbl[(x >> 12) & 63]); dkbuf_puts(&e, "==");
		} else if (pb.len - i == 2) {
			uint32_t x = (uint32_t)(unsigned char)pb.ptr[i] << 16 | (uint32_t)(unsigned char)pb.ptr[i + 1] << 8;
			dkbuf_putc(&e, tbl[x >> 18]); dkbuf_putc(&e, tbl[(x >> 12) & 63]);
			dkbuf_putc(&e, tbl[(x >> 6) & 63]); dkbuf_putc(&e, '=');
		}
		CHECK(dk_b64_decode(&back, e.ptr, e.len) == 0 && back.len == pb.len &&
			!memcmp(back.ptr, pb.ptr, pb.len));
		CHECK_RC(dk_buildkit_status_decode(&val, e.ptr, e.len));
		CHECK(val && dk_value_count(val, "/vertexes") == 1);
		CHECK(val && !strcmp(dk_value_get_string(val, "/vertexes/0/digest"), "sha256:aa"));
		CHECK(val && dk_value_count(val, "/logs") == 1);
		dk_value_free(val);
		val = NULL;
		CHECK(dk_buildkit_status_decode(&val, b64, 3) == DK_EPROTO && val == NULL);
		CHECK(dk_buildkit_status_decode(&val, "AAA*", 4) == DK_EPROTO);
		/* "CAE=" = 08 01: field 1 as a varint, not a Vertex */
		CHECK(dk_buildkit_status_decode(&val, "CAE=", 4) == DK_EPROTO);
		CHECK(dk_buildkit_status_decode(&val, "", 0) == 0 && val &&
			!strcmp(dk_value_body(val, NULL), "{}"));
		dk_value_free(val);
		dkbuf_dispose(&e);
		dkbuf_dispose(&back);
	}
	/* every truncation: an error or a valid object, never a crash */
	{
		size_t cut;
		for (cut = 0; cut < pb.len; cut++) {
			dkbuf o2 = DKBUF_INIT;
			int rc = dk_bk_status_to_json(&o2, pb.ptr, cut);
			CHECK(rc == 0 || rc == DK_EPROTO);
			CHECK(rc != 0 || (o2.len >= 2 && o2.ptr[0] == '{' && o2.ptr[o2.len - 1] == '}'));
			dkbuf_dispose(&o2);
		}
	}
	dkbuf_dispose(&pb); dkbuf_dispose(&v); dkbuf_dispose(&st); dkbuf_dispose(&ts);
	dkbuf_dispose(&lg); dkbuf_dispose(&w); dkbuf_dispose(&out);
}

static void test_grpc_framing(void)
{
	dkbuf wire = DKBUF_INIT;
	static const char *msgs[] = {"", "a", "hello world", NULL};
	size_t i, split;
	dk_grpc_reader r;
	const unsigned char *m;
	size_t n;

	for (i = 0; msgs[i]; i++) {
		CHECK(dk_grpc_put_prefix(&wire, strlen(msgs[i])) == 0);
		dkbuf_puts(&wire, msgs[i]);
	}
	/* a 70000-byte message */
	{
		char *big = malloc(70000);
		memset(big, 'z', 70000);
		dk_grpc_put_prefix(&wire, 70000);
		dkbuf_put(&wire, big, 70000);
		free(big);
	}
	CHECK(wire.ptr[0] == 0 && wire.ptr[4] == 0 && wire.ptr[9] == 1);
	for (split = 0; split <= wire.len; split += (split < 64 ? 1 : 997)) {
		size_t got = 0, k;
		dk_grpc_reader_init(&r, 0);
		CHECK(dk_grpc_reader_feed(&r, wire.ptr, split) == 0);
		while (dk_grpc_reader_next(&r, &m, &n) == 1) {
			CHECK(got < 3 ? n == strlen(msgs[got]) && !memcmp(m, msgs[got], n) : n == 70000);
			got++;
		}
		for (k = split; k < wire.len; k++) { /* the rest, one byte at a time */
			CHECK(dk_grpc_reader_feed(&r, wire.ptr + k, 1) == 0);
			while (dk_grpc_reader_next(&r, &m, &n) == 1) {
				CHECK(got < 3 ? n == strlen(msgs[got]) && !memcmp(m, msgs[got], n) : n == 70000);
				got++;
			}
			if (split > 200 && k > split + 100000)
				break;
		}
		CHECK(got == 4);
		CHECK(!dk_grpc_reader_partial(&r));
		dk_grpc_reader_dispose(&r);
	}
	/* compressed flag and oversize are refused */
	dk_grpc_reader_init(&r, 16);
	dk_grpc_reader_feed(&r, "\x01\0\0\0\x01x", 6);
	CHECK(dk_grpc_reader_next(&r, &m, &n) == DK_EPROTO);
	dk_grpc_reader_dispose(&r);
	dk_grpc_reader_init(&r, 16);
	dk_grpc_reader_feed(&r, "\0\0\0\0\x11", 5);
	CHECK(dk_grpc_reader_next(&r, &m, &n) == DK_EPROTO);
	dk_grpc_reader_dispose(&r);
	dk_grpc_reader_init(&r, 16);
	dk_grpc_reader_feed(&r, "\0\0\0", 3);
	CHECK(dk_grpc_reader_next(&r, &m, &n) == 0 && dk_grpc_reader_partial(&r));
	dk_grpc_reader_dispose(&r);
	dkbuf_dispose(&wire);
}

static void mk(const char *root, const char *rel, int dir)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (dir) {
		mkdir(p, 0755);
	} else {
		int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, rel, strlen(rel)) < 0)
				perror("write");
			close(fd);
		}
	}
}

/* the walk as "path,path,..." (d/ for directories) */
static void walk_list(const char *root, const dk_fswalk_options *o, dkbuf *out)
{
	dk_fswalk *w = NULL;
	dk_fs_stat st;
	const char *disk;
	int rc;

	dkbuf_clear(out);
	CHECK_RC(dk_fswalk_new(&w, root, o));
	if (!w)
		return;
	while ((rc = dk_fswalk_next(w, &st, &disk)) == 1) {
		dkbuf_put(out, st.path, st.path_len);
		if (st.mode & DK_FS_MODE_DIR)
			dkbuf_putc(out, '/');
		dkbuf_putc(out, ',');
		CHECK(st.uid == 0 && st.gid == 0);
		CHECK(!strncmp(disk, root, strlen(root)));
	}
	CHECK(rc == 0);
	dk_fswalk_free(w);
}

static void test_walk(void)
{
	char root[] = "/tmp/dk-fswalk-XXXXXX";
	char cmd[256];
	dkbuf l = DKBUF_INIT;
	dk_fswalk_options o;
	dk_fswalk *w = NULL;

	CHECK(mkdtemp(root) != NULL);
	mk(root, "a", 1);
	mk(root, "a/b", 0);
	mk(root, "a/c", 1);
	mk(root, "a/c/d.txt", 0);
	mk(root, "a.txt", 0);
	mk(root, "B", 0);
	mk(root, "z", 1);
	mk(root, "z/keep.go", 0);
	mk(root, "z/skip.log", 0);
	mk(root, "Dockerfile", 0);
	snprintf(cmd, sizeof(cmd), "%s/lnk", root);
	CHECK(symlink("a/b", cmd) == 0);
	/* bytewise order per directory, parents first ("a" before "a.txt" and
	 * "a/b" right after "a") */
	memset(&o, 0, sizeof(o));
	walk_list(root, &o, &l);
	CHECK(l.ptr && !strcmp(l.ptr, "B,Dockerfile,a/,a/b,a/c/,a/c/d.txt,a.txt,lnk,z/,z/keep.go,z/skip.log,"));
	/* excludes with an exception inside an excluded directory */
	{
		const char *ex[] = {"z", "!z/keep.go", "a/c", NULL};
		o.excludes = ex;
		walk_list(root, &o, &l);
		CHECK(l.ptr && !strcmp(l.ptr, "B,Dockerfile,a/,a/b,a.txt,lnk,z/,z/keep.go,"));
		o.excludes = NULL;
	}
	{
		const char *ex[] = {"**/*.txt", "*.log", NULL};
		o.excludes = ex;
		walk_list(root, &o, &l);
		CHECK(l.ptr && !strcmp(l.ptr, "B,Dockerfile,a/,a/b,a/c/,lnk,z/,z/keep.go,z/skip.log,"));
		o.excludes = NULL;
	}
	/* follow paths: only those (and their parents) */
	{
		const char *fp[] = {"Dockerfile", "Dockerfile.dockerignore", "dockerfile", NULL};
		o.followpaths = fp;
		walk_list(root, &o, &l);
		CHECK(l.ptr && !strcmp(l.ptr, "Dockerfile,"));
		o.followpaths = NULL;
	}
	{
		const char *in[] = {"a/c", "/z/keep.go", NULL};
		o.includes = in;
		walk_list(root, &o, &l);
		CHECK(l.ptr && !strcmp(l.ptr, "a/,a/c/,a/c/d.txt,z/,z/keep.go,"));
		o.includes = NULL;
	}
	{
		const char *in[] = {".dockerignore", NULL};
		o.followpaths = in;
		walk_list(root, &o, &l);
		CHECK(l.len == 0);
		o.followpaths = NULL;
	}
	{
		const char *in[] = {"*/c", NULL};
		o.includes = in;
		walk_list(root, &o, &l);
		CHECK(l.ptr && !strcmp(l.ptr, "a/,a/c/,a/c/d.txt,"));
		o.includes = NULL;
	}
	/* a follow path that is a symlink brings its target (fsutil does) */
	{
		const char *fp[] = {"lnk", NULL};
		o.followpaths = fp;
		walk_list(root, &o, &l);
		CHECK(l.ptr && !strcmp(l.ptr, "a/,a/b,lnk,"));
		o.followpaths = NULL;
	}
	{
		/* through a symlinked directory, and a link leaving the root */
		snprintf(cmd, sizeof(cmd), "%s/zl", root);
		CHECK(symlink("z", cmd) == 0);
		snprintf(cmd, sizeof(cmd), "%s/out", root);
		CHECK(symlink("../../etc/passwd", cmd) == 0);
		const char *fp[] = {"zl/keep.go", "out", NULL};
		o.followpaths = fp;
		walk_list(root, &o, &l);
		CHECK(l.ptr && !strcmp(l.ptr, "out,z/,z/keep.go,zl,"));
		o.followpaths = NULL;
	}
	/* modes and sizes of a symlink */
	{
		dk_fs_stat st;
		const char *disk;
		const char *in[] = {"lnk", NULL};
		o.includes = in;
		CHECK_RC(dk_fswalk_new(&w, root, &o));
		CHECK(dk_fswalk_next(w, &st, &disk) == 1);
		CHECK(st.mode == (DK_FS_MODE_SYMLINK | 0777) && st.size == 3 && st.linkname_len == 3 &&
			!memcmp(st.linkname, "a/b", 3));
		CHECK(dk_fswalk_next(w, &st, &disk) == 0);
		dk_fswalk_free(w);
		o.includes = NULL;
	}
	CHECK(dk_fs_mode_from_unix(S_IFDIR | 0755) == (DK_FS_MODE_DIR | 0755));
	CHECK(dk_fs_mode_from_unix(S_IFREG | S_ISUID | 0755) == (DK_FS_MODE_SETUID | 0755));
	CHECK(dk_fs_mode_from_unix(S_IFCHR | 0600) == (DK_FS_MODE_DEVICE | DK_FS_MODE_CHARDEV | 0600));
	/* bad input */
	CHECK(dk_fswalk_new(&w, "/nonexistent-dir-xyz", NULL) == DK_EINVAL && w == NULL);
	{
		const char *ex[] = {"[", NULL};
		o.excludes = ex;
		CHECK(dk_fswalk_new(&w, root, &o) == DK_EINVAL && w == NULL);
		o.excludes = NULL;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	dkbuf_dispose(&l);
}

static dk_fs_packet stat_pkt(const char *path, uint32_t mode, const char *link)
{
	dk_fs_packet p;

	memset(&p, 0, sizeof(p));
	p.type = DK_FS_STAT;
	p.has_stat = 1;
	p.stat.path = path;
	p.stat.path_len = strlen(path);
	p.stat.mode = mode;
	p.stat.linkname = link;
	p.stat.linkname_len = link ? strlen(link) : 0;
	p.stat.mod_time = 1700000000000000000LL;
	return p;
}

/* the next framed packet of out, decoded */
static int next_out(dkbuf *out, size_t *pos, dk_fs_packet *p)
{
	dk_grpc_reader r;
	const unsigned char *m;
	size_t n;
	int rc;

	dk_grpc_reader_init(&r, 0);
	dk_grpc_reader_feed(&r, out->ptr + *pos, out->len - *pos);
	rc = dk_grpc_reader_next(&r, &m, &n);
	if (rc == 1) {
		*pos += 5 + n;
		rc = dk_fs_packet_decode(p, m, n) == 0;
	}
	dk_grpc_reader_dispose(&r);
	return rc;
}

static void test_recv(void)
{
	char root[] = "/tmp/dk-fsrecv-XXXXXX";
	char path[512], cmd[600], buf[64];
	dk_fsrecv *r = NULL;
	dkbuf out = DKBUF_INIT;
	size_t pos = 0;
	dk_fs_packet p, q;
	FILE *f;

	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/dest", root);
	CHECK_RC(dk_fsrecv_new(&r, path));
	p = stat_pkt("d", DK_FS_MODE_DIR | 0755, NULL);
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0 && out.len == 0);          /* id 0 */
	p = stat_pkt("d/f.txt", 0640, NULL);
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0);                         /* id 1: REQ */
	CHECK(next_out(&out, &pos, &q) == 1 && q.type == DK_FS_REQ && q.id == 1);
	p = stat_pkt("d/hard", 0640, "d/f.txt");                            /* id 2: link */
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0 && pos == out.len);       /* no REQ */
	p = stat_pkt("lnk", DK_FS_MODE_SYMLINK | 0777, "d");
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0);                         /* id 3 */
	/* refused: "..", absolute, through the symlink, DATA not asked for */
	p = stat_pkt("../evil", 0644, NULL);
	CHECK(dk_fsrecv_packet(r, &p, &out) == DK_EPROTO);
	p = stat_pkt("/abs", 0644, NULL);
	CHECK(dk_fsrecv_packet(r, &p, &out) == DK_EPROTO);
	p = stat_pkt("lnk/x", 0644, NULL);
	CHECK(dk_fsrecv_packet(r, &p, &out) == DK_EPROTO);
	memset(&p, 0, sizeof(p));
	p.type = DK_FS_DATA;
	p.id = 0;
	p.data = (const unsigned char *)"x";
	p.data_len = 1;
	CHECK(dk_fsrecv_packet(r, &p, &out) == DK_EPROTO);
	/* end of the walk: no FIN while f.txt is outstanding */
	memset(&p, 0, sizeof(p));
	p.type = DK_FS_STAT;
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0 && pos == out.len);
	memset(&p, 0, sizeof(p));
	p.type = DK_FS_DATA;
	p.id = 1;
	p.data = (const unsigned char *)"hello ";
	p.data_len = 6;
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0);
	p.data = (const unsigned char *)"world";
	p.data_len = 5;
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0);
	p.data = NULL;
	p.data_len = 0;
	CHECK(dk_fsrecv_packet(r, &p, &out) == 0);
	CHECK(next_out(&out, &pos, &q) == 1 && q.type == DK_FS_FIN);
	CHECK(dk_fsrecv_bytes(r) == 11);
	dk_fsrecv_free(r);
	snprintf(path, sizeof(path), "%s/dest/d/f.txt", root);
	f = fopen(path, "r");
	CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "hello world"));
	if (f)
		fclose(f);
	{
		struct stat st;
		CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640 && st.st_mtime == 1700000000);
	}
	snprintf(path, sizeof(path), "%s/dest/d/hard", root);
	f = fopen(path, "r");
	CHECK(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "hello world"));
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/dest/lnk", root);
	CHECK(readlink(path, buf, sizeof(buf)) == 1 && buf[0] == 'd');
	CHECK(dk_fsrecv_new(&r, "") == DK_EINVAL);
	dkbuf_dispose(&out);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	test_varint();
	test_reader_errors();
	test_packets();
	test_small_messages();
	test_status_json();
	test_grpc_framing();
	test_walk();
	test_recv();
	DKT_DONE();
}
