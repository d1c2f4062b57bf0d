/* The session's gRPC dispatch, sans-I/O: an nghttp2 *client* session in the
 * test plays the engine (it is a stand-in only for calls a real engine does
 * not make on demand: unknown methods, missing secrets, credentials for a
 * given host, an unknown ssh id), talking to the session's HTTP/2 core
 * through dk__session_mem(). Checks status codes, trailers-only errors,
 * message bodies, and a DiffCopy run of STATs, a REQ answered with DATA,
 * and FIN. */
#define _GNU_SOURCE
#include "dktest.h"

#include <nghttp2/nghttp2.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"
#include "proto_int.h"
#include "session_int.h"

typedef struct call {
	int done;
	char status[8];       /* :status */
	char grpc_status[8];  /* grpc-status (headers or trailers) */
	char grpc_message[256];
	dkbuf body;           /* the response's DATA */
	dkbuf req;            /* the request body to send */
	size_t req_pos;
	int end_req;          /* end the request stream after req */
} call;

static ssize_t req_read(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
	nghttp2_data_source *src, void *ud)
{
	call *c = src->ptr;
	size_t n = c->req.len - c->req_pos;

	(void)ng; (void)id; (void)ud;
	if (n > len)
		n = len;
	if (n)
		memcpy(buf, c->req.ptr + c->req_pos, n);
	c->req_pos += n;
	if (c->req_pos == c->req.len) {
		if (c->end_req)
			*flags |= NGHTTP2_DATA_FLAG_EOF;
		else if (!n)
			return NGHTTP2_ERR_DEFERRED;
	}
	return (ssize_t)n;
}

static int on_header(nghttp2_session *ng, const nghttp2_frame *f, const uint8_t *name, size_t nl,
	const uint8_t *value, size_t vl, uint8_t flags, void *ud)
{
	call *c = nghttp2_session_get_stream_user_data(ng, f->hd.stream_id);
	char *dst = NULL;
	size_t cap = 0;

	(void)flags; (void)ud;
	if (!c)
		return 0;
	if (nl == 7 && !memcmp(name, ":status", 7)) {
		dst = c->status;
		cap = sizeof(c->status);
	} else if (nl == 11 && !memcmp(name, "grpc-status", 11)) {
		dst = c->grpc_status;
		cap = sizeof(c->grpc_status);
	} else if (nl == 12 && !memcmp(name, "grpc-message", 12)) {
		dst = c->grpc_message;
		cap = sizeof(c->grpc_message);
	}
	if (dst)
		snprintf(dst, cap, "%.*s", (int)vl, (const char *)value);
	return 0;
}

static int on_data(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *d, size_t len, void *ud)
{
	call *c = nghttp2_session_get_stream_user_data(ng, id);

	(void)flags; (void)ud;
	if (c)
		dkbuf_put(&c->body, (const char *)d, len);
	return 0;
}

static int on_close(nghttp2_session *ng, int32_t id, uint32_t err, void *ud)
{
	call *c = nghttp2_session_get_stream_user_data(ng, id);

	(void)err; (void)ud;
	if (c)
		c->done = 1;
	return 0;
}

/* Move bytes both ways until `c` is done (or nothing moves). */
/* An HTTP/2 client (the engine's side, in memory) for the session's server. */
static nghttp2_session *new_client(void)
{
	nghttp2_session_callbacks *cbs;
	nghttp2_session *cli = NULL;

	nghttp2_session_callbacks_new(&cbs);
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_close);
	CHECK(nghttp2_session_client_new(&cli, cbs, NULL) == 0);
	nghttp2_session_callbacks_del(cbs);
	nghttp2_submit_settings(cli, NGHTTP2_FLAG_NONE, NULL, 0);
	return cli;
}

static void pump(nghttp2_session *cli, dk_session *s, call *c)
{
	int rounds;

	for (rounds = 0; rounds < 10000 && !c->done; rounds++) {
		dkbuf in = DKBUF_INIT, out = DKBUF_INIT;
		const uint8_t *p;
		ssize_t n;

		while ((n = nghttp2_session_mem_send(cli, &p)) > 0)
			dkbuf_put(&in, (const char *)p, (size_t)n);
		CHECK(dk__session_mem(s, in.ptr, in.len, &out) == 0);
		if (out.len)
			CHECK(nghttp2_session_mem_recv(cli, (const uint8_t *)out.ptr, out.len) == (ssize_t)out.len);
		if (!in.len && !out.len && rounds > 3) {
			dkbuf_dispose(&in);
			dkbuf_dispose(&out);
			break;
		}
		dkbuf_dispose(&in);
		dkbuf_dispose(&out);
	}
}

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE}

static int32_t start(nghttp2_session *cli, call *c, const char *path, const nghttp2_nv *extra,
	size_t nextra)
{
	nghttp2_nv nv[16] = {NV(":method", "POST"), NV(":scheme", "http"), NV(":path", path),
		NV(":authority", "x"), NV("content-type", "application/grpc"), NV("te", "trailers")};
	nghttp2_data_provider dp;
	size_t i;

	for (i = 0; i < nextra; i++)
		nv[6 + i] = extra[i];
	dp.source.ptr = c;
	dp.read_callback = req_read;
	return nghttp2_submit_request(cli, NULL, nv, 6 + nextra, &dp, c);
}

static void unary(nghttp2_session *cli, dk_session *s, call *c, const char *path, const void *msg,
	size_t len)
{
	memset(c, 0, sizeof(*c));
	dk_grpc_put_prefix(&c->req, len);
	dkbuf_put(&c->req, msg, len);
	c->end_req = 1;
	CHECK(start(cli, c, path, NULL, 0) > 0);
	pump(cli, s, c);
	CHECK(c->done);
}

/* the first gRPC message of a response body */
static int first_msg(call *c, const unsigned char **m, size_t *n)
{
	dk_grpc_reader r;
	int rc;
	static dkbuf keep;

	dk_grpc_reader_init(&r, 0);
	dk_grpc_reader_feed(&r, c->body.ptr, c->body.len);
	rc = dk_grpc_reader_next(&r, m, n);
	dkbuf_clear(&keep);
	if (rc == 1) {
		dkbuf_put(&keep, (const char *)*m, *n);
		*m = (const unsigned char *)keep.ptr;
	}
	dk_grpc_reader_dispose(&r);
	return rc;
}

static void put(const char *dir, const char *rel, const char *text)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int main(void)
{
	char dir[] = "/tmp/dk-session-grpc-XXXXXX";
	dk_client *cl = NULL;
	dk_session *s = NULL;
	nghttp2_session *cli = NULL;
	call c;
	const unsigned char *m;
	size_t n;
	char cmd[128];

	CHECK(mkdtemp(dir) != NULL);
	put(dir, "a.txt", "AAAA");
	put(dir, "b.txt", "BB");
	CHECK_RC(dk_client_new(&cl, "unix:///nonexistent.sock"));
	CHECK_RC(dk_session_new(&s, cl, "t", "k"));
	CHECK_RC(dk_session_add_dir(s, "context", dir, NULL));
	CHECK_RC(dk_session_add_secret(s, "s1", "top", 3));
	CHECK(dk_session_set_auth(s, "[1]") == DK_EINVAL);
	CHECK_RC(dk_session_set_auth(s,
		"{\"127.0.0.1:5000\":{\"username\":\"u\",\"password\":\"p\"},"
		"\"https://index.docker.io/v1/\":{\"identitytoken\":\"tok\"}}"));
	CHECK_RC(dk_session_add_ssh(s, "agent1", "/tmp/no-such-agent.sock"));
	CHECK_RC(dk__session_h2_start(s));
	cli = new_client();

	/* Health/Check: SERVING */
	unary(cli, s, &c, "/grpc.health.v1.Health/Check", "", 0);
	CHECK(!strcmp(c.status, "200") && !strcmp(c.grpc_status, "0"));
	CHECK(first_msg(&c, &m, &n) == 1 && n == 2 && m[0] == 0x08 && m[1] == 1);
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);

	/* an unknown method: trailers-only Unimplemented, no message */
	unary(cli, s, &c, "/moby.other.v1.X/Y", "", 0);
	CHECK(!strcmp(c.status, "200") && !strcmp(c.grpc_status, "12") && c.body.len == 0);
	CHECK(strstr(c.grpc_message, "/moby.other.v1.X/Y") != NULL);
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);

	/* GetSecret: known, unknown */
	unary(cli, s, &c, "/moby.buildkit.secrets.v1.Secrets/GetSecret", "\x0a\x02s1", 4);
	CHECK(!strcmp(c.grpc_status, "0"));
	CHECK(first_msg(&c, &m, &n) == 1 && n == 5 && !memcmp(m, "\x0a\x03top", 5));
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	unary(cli, s, &c, "/moby.buildkit.secrets.v1.Secrets/GetSecret", "\x0a\x02zz", 4);
	CHECK(!strcmp(c.grpc_status, "5") && strstr(c.grpc_message, "zz") != NULL);
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);

	/* Credentials: from the map (user/password, identity token for the Hub), none */
	unary(cli, s, &c, "/moby.filesync.v1.Auth/Credentials", "\x0a\x0e" "127.0.0.1:5000", 16);
	CHECK(!strcmp(c.grpc_status, "0"));
	CHECK(first_msg(&c, &m, &n) == 1 && n == 6 && !memcmp(m, "\x0a\x01u\x12\x01p", 6));
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	unary(cli, s, &c, "/moby.filesync.v1.Auth/Credentials", "\x0a\x14registry-1.docker.io", 22);
	CHECK(first_msg(&c, &m, &n) == 1 && n == 5 && !memcmp(m, "\x12\x03tok", 5));
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	unary(cli, s, &c, "/moby.filesync.v1.Auth/Credentials", "\x0a\x07other:1", 9);
	CHECK(!strcmp(c.grpc_status, "0") && first_msg(&c, &m, &n) == 1 && n == 0);
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);

	/* SSH: a known id, an unknown one; forwarding to a missing agent */
	unary(cli, s, &c, "/moby.sshforward.v1.SSH/CheckAgent", "\x0a\x06" "agent1", 8);
	CHECK(!strcmp(c.grpc_status, "0"));
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	unary(cli, s, &c, "/moby.sshforward.v1.SSH/CheckAgent", "\x0a\x02no", 4);
	CHECK(!strcmp(c.grpc_status, "5"));
	dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	{
		nghttp2_nv id[] = {NV("buildkit.ssh.id", "agent1")};
		memset(&c, 0, sizeof(c));
		c.end_req = 1;
		CHECK(start(cli, &c, "/moby.sshforward.v1.SSH/ForwardAgent", id, 1) > 0);
		pump(cli, s, &c);
		CHECK(c.done && !strcmp(c.grpc_status, "14") && strstr(c.grpc_message, "agent"));
		dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	}

	/* FileSync/DiffCopy of "context": STAT a.txt, STAT b.txt, end; REQ 1 -> DATA; FIN */
	{
		nghttp2_nv md[] = {NV("dir-name", "context")};
		dk_fs_packet p;
		dk_grpc_reader r;
		int stats = 0, data_end = 0, fin = 0;
		dkbuf got = DKBUF_INIT;
		int32_t sid;

		memset(&c, 0, sizeof(c));
		sid = start(cli, &c, "/moby.filesync.v1.FileSync/DiffCopy", md, 1);
		CHECK(sid > 0);
		pump(cli, s, &c);
		/* ask for b.txt (index 1), then FIN */
		memset(&p, 0, sizeof(p));
		p.type = DK_FS_REQ;
		p.id = 1;
		dk_grpc_put_prefix(&c.req, dk_fs_packet_size(&p));
		dk_fs_packet_encode(&c.req, &p);
		p.type = DK_FS_FIN;
		p.id = 0;
		dk_grpc_put_prefix(&c.req, dk_fs_packet_size(&p));
		dk_fs_packet_encode(&c.req, &p);
		c.end_req = 1;
		nghttp2_session_resume_data(cli, sid);
		pump(cli, s, &c);
		CHECK(c.done && !strcmp(c.grpc_status, "0"));
		dk_grpc_reader_init(&r, 0);
		dk_grpc_reader_feed(&r, c.body.ptr, c.body.len);
		while (dk_grpc_reader_next(&r, &m, &n) == 1) {
			CHECK(dk_fs_packet_decode(&p, m, n) == 0);
			if (p.type == DK_FS_STAT)
				stats++;
			if (p.type == DK_FS_STAT && stats == 1)
				CHECK(p.has_stat && p.stat.path_len == 5 && !memcmp(p.stat.path, "a.txt", 5) &&
					p.stat.size == 4 && p.stat.mode == 0644);
			if (p.type == DK_FS_STAT && stats == 3)
				CHECK(!p.has_stat);
			if (p.type == DK_FS_DATA && p.data_len)
				dkbuf_put(&got, (const char *)p.data, p.data_len);
			if (p.type == DK_FS_DATA && !p.data_len)
				data_end++;
			if (p.type == DK_FS_FIN)
				fin++;
		}
		dk_grpc_reader_dispose(&r);
		CHECK(stats == 3 && data_end == 1 && fin == 1);
		CHECK(got.len == 2 && !memcmp(got.ptr, "BB", 2));
		dkbuf_dispose(&got);
		dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	}
	/* an unserved directory name: NotFound */
	{
		nghttp2_nv md[] = {NV("dir-name", "elsewhere")};
		memset(&c, 0, sizeof(c));
		c.end_req = 1;
		CHECK(start(cli, &c, "/moby.filesync.v1.FileSync/DiffCopy", md, 1) > 0);
		pump(cli, s, &c);
		CHECK(c.done && !strcmp(c.grpc_status, "5") && strstr(c.grpc_message, "elsewhere"));
		dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
	}
	{
		dk_session_stats st;
		dk_session_get_stats(s, &st);
		CHECK(st.health_checks == 1 && st.file_bytes == 2 && st.stat_packets == 3 &&
			st.files_requested == 1 && st.calls == 12);
		if (st.calls != 12 || st.health_checks != 1)
			fprintf(stderr, "stats: health %llu files %llu stats %llu req %llu calls %llu\n",
				(unsigned long long)st.health_checks, (unsigned long long)st.file_bytes,
				(unsigned long long)st.stat_packets, (unsigned long long)st.files_requested,
				(unsigned long long)st.calls);
	}

	nghttp2_session_del(cli);
	dk_session_close(s);

	/* credentials from a Docker config directory (dk_session_use_credentials) */
	{
		char cfg[200];
		snprintf(cfg, sizeof(cfg), "%s/config.json", dir);
		put(dir, "config.json", "{\"auths\":{\"reg.example:5000\":{\"auth\":\"dXNlcjpwYXNz\"}}}");
		CHECK_RC(dk_session_new(&s, cl, "t", "k"));
		CHECK_RC(dk_session_use_credentials(s, dir));
		CHECK_RC(dk__session_h2_start(s));
		cli = new_client();
		unary(cli, s, &c, "/moby.filesync.v1.Auth/Credentials", "\x0a\x10reg.example:5000", 18);
		CHECK(!strcmp(c.grpc_status, "0"));
		CHECK(first_msg(&c, &m, &n) == 1 && n == 12 && !memcmp(m, "\x0a\x04user\x12\x04pass", 12));
		dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
		unary(cli, s, &c, "/moby.filesync.v1.Auth/Credentials", "\x0a\x0bnone.test:1", 13);
		CHECK(!strcmp(c.grpc_status, "0") && first_msg(&c, &m, &n) == 1 && n == 0);
		dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
		/* secrets were not offered: Unimplemented */
		unary(cli, s, &c, "/moby.buildkit.secrets.v1.Secrets/GetSecret", "\x0a\x02s1", 4);
		CHECK(!strcmp(c.grpc_status, "12"));
		dkbuf_dispose(&c.body); dkbuf_dispose(&c.req);
		nghttp2_session_del(cli);
		dk_session_close(s);
	}
	dk_client_free(cl);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	DKT_DONE();
}
