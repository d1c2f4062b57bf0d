/* BuildKit sessions end to end in C against the main engine (dockerd 20.10):
 * @op Session and @op ImageBuild (dk_image_build_session): a build whose
 * context, Dockerfile and secret come through the session; progress decoded
 * per update; the image checked; an unchanged rebuild sends no file
 * content; argument errors before anything is sent; a session closed in the
 * middle of a build ends it with an error. Run under ASan and valgrind by
 * the C test matrix. */
#define _GNU_SOURCE
#include "dktest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

static void put(const char *dir, const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

typedef struct result {
	char image[80];
	char logs[4096];
	size_t nlogs;
	int traces, vertexes_done, errors;
	char error[512];
} result;

/* Drain a BuildKit build stream, decoding every trace update. */
static int drain(dk_stream *st, result *r)
{
	const char *d;
	size_t n;
	int rc;

	memset(r, 0, sizeof(*r));
	while ((rc = dk_stream_next(st, &d, &n)) == 1) {
		const char *a = memmem(d, n, "\"aux\":\"", 7);
		if (memmem(d, n, "moby.buildkit.trace", 19) && a) {
			const char *b64 = a + 7, *e = memchr(b64, '"', (size_t)(d + n - b64));
			dk_value *v = NULL;
			int64_t i, k;
			CHECK(e != NULL);
			if (!e)
				continue;
			CHECK_RC(dk_buildkit_status_decode(&v, b64, (size_t)(e - b64)));
			r->traces++;
			k = dk_value_count(v, "/logs");
			for (i = 0; i < k; i++) {
				char ptr[64];
				const char *t;
				snprintf(ptr, sizeof(ptr), "/logs/%lld/data", (long long)i);
				t = dk_value_get_string(v, ptr);
				if (t && r->nlogs + strlen(t) < sizeof(r->logs)) {
					memcpy(r->logs + r->nlogs, t, strlen(t) + 1);
					r->nlogs += strlen(t);
				}
			}
			k = dk_value_count(v, "/vertexes");
			for (i = 0; i < k; i++) {
				char ptr[64];
				snprintf(ptr, sizeof(ptr), "/vertexes/%lld/completed", (long long)i);
				if (dk_value_get_string(v, ptr))
					r->vertexes_done++;
			}
			dk_value_free(v);
		} else if (memmem(d, n, "moby.image.id", 13)) {
			const char *p = memmem(d, n, "sha256:", 7);
			if (p && p + 71 <= d + n) {
				memcpy(r->image, p, 71);
				r->image[71] = '\0';
			}
		} else if (memmem(d, n, "errorDetail", 11)) {
			r->errors++;
			snprintf(r->error, sizeof(r->error), "%.*s", (int)n, d);
		}
	}
	return rc;
}

static dk_session *open_session(dk_client *c, const char *dir, const char *secret)
{
	dk_session *s = NULL;

	CHECK_RC(dk_session_new(&s, c, "ctx", NULL));
	if (!s)
		return NULL;
	CHECK_RC(dk_session_add_dir(s, "context", dir, NULL));
	CHECK_RC(dk_session_add_dir(s, "dockerfile", dir, NULL));
	if (secret)
		CHECK_RC(dk_session_add_secret(s, "tok", secret, strlen(secret)));
	CHECK_RC(dk_session_open(s));
	return s;
}

int main(void)
{
	dk_client *c = NULL;
	dk_session *s = NULL;
	dk_stream *st = NULL;
	dk_build_options o;
	dk_session_stats ss;
	result r;
	char first[80] = "";
	char dir[] = "/tmp/dk-session-XXXXXX";
	char cmd[512];
	const char *tags[] = {"clibdocker-test/c-session:1"};
	static const char secret[] = "c-secret-value-0123";

	CHECK(mkdtemp(dir) != NULL);
	put(dir, "Dockerfile",
		"FROM clibdocker-test/busybox:latest\nLABEL clibdocker-test=1\n"
		"COPY a.txt /a.txt\n"
		"RUN --mount=type=secret,id=tok sh -c 'echo len=$(wc -c < /run/secrets/tok); cat /a.txt'\n");
	put(dir, "a.txt", "from-the-context\n");
	CHECK_RC(dk_client_new(&c, "unix:///var/run/docker.sock"));

	/* argument errors, nothing sent */
	CHECK(dk_session_new(NULL, c, NULL, NULL) == DK_EINVAL);
	CHECK(dk_session_new(&s, NULL, NULL, NULL) == DK_EINVAL && s == NULL);
	CHECK_RC(dk_session_new(&s, c, NULL, NULL));
	CHECK(dk_session_add_dir(s, "context", "/nonexistent-dk-dir", NULL) == DK_EINVAL);
	CHECK(dk_session_add_dir(s, "context", dir, NULL) == 0);
	CHECK(dk_session_add_dir(s, "context", dir, NULL) == DK_EINVAL); /* twice */
	{
		const char *bad[] = {"[", NULL};
		CHECK(dk_session_add_dir(s, "other", dir, bad) == DK_EINVAL);
	}
	CHECK(dk_session_add_secret(s, "", "x", 1) == DK_EINVAL);
	dk_build_options_init(&o);
	CHECK(dk_image_build_session(&st, c, &o, s, NULL) == DK_EINVAL && st == NULL); /* not open */
	dk_session_close(s);
	s = NULL;
	dk_session_close(NULL);
	dk_build_options_init(&o);
	CHECK(dk_image_build_session(&st, c, &o, NULL, NULL) == DK_EINVAL && st == NULL);

	/* a build */
	s = open_session(c, dir, secret);
	CHECK(s && strlen(dk_session_id(s)) == 32);
	CHECK(dk_session_add_dir(s, "late", dir, NULL) == DK_EINVAL); /* already open */
	o.tags = tags;
	o.ntags = 1;
	o.nocache = 1;
	o.remote = "http://example.invalid/x.tar";
	CHECK(dk_image_build_session(&st, c, &o, s, "c-build-1") == DK_EINVAL);
	o.remote = NULL;
	CHECK_RC(dk_image_build_session(&st, c, &o, s, "c-build-1"));
	if (st) {
		CHECK(drain(st, &r) == 0);
		dk_stream_free(st);
		st = NULL;
		CHECK(r.traces > 3 && r.vertexes_done > 3 && r.errors == 0);
		CHECK(strstr(r.logs, "len=19") != NULL);
		CHECK(strstr(r.logs, "from-the-context") != NULL);
		CHECK(strstr(r.logs, secret) == NULL);
		CHECK(!strncmp(r.image, "sha256:", 7));
		snprintf(first, sizeof(first), "%s", r.image);
	}
	dk_session_get_stats(s, &ss);
	CHECK(ss.file_bytes >= 17 && ss.stat_packets >= 2 && ss.calls >= 3 && !ss.closed);
	CHECK(dk_session_error(s, NULL) == 0);
	dk_session_close(s);
	{
		dk_value *v = NULL;
		CHECK_RC(dk_image_inspect(&v, c, tags[0]));
		CHECK(v && !strcmp(dk_value_get_string(v, "/Id"), r.image));
		dk_value_free(v);
	}

	/* the same context again: the engine has it, no file content is sent */
	s = open_session(c, dir, secret);
	o.nocache = -1;
	CHECK_RC(dk_image_build_session(&st, c, &o, s, NULL));
	if (st) {
		CHECK(drain(st, &r) == 0 && r.errors == 0 && r.image[0]);
		dk_stream_free(st);
		st = NULL;
	}
	dk_session_get_stats(s, &ss);
	CHECK(ss.file_bytes == 0 && ss.stat_packets >= 2);
	dk_session_close(s);

	/* outputs through FileSend: type=tar to a descriptor, type=local to a directory */
	{
		char out_tar[128], out_dir[128], check[700];
		int fd;
		snprintf(out_tar, sizeof(out_tar), "%s.out.tar", dir);
		snprintf(out_dir, sizeof(out_dir), "%s.out", dir);
		fd = open(out_tar, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
		CHECK(fd >= 0);
		CHECK_RC(dk_session_new(&s, c, "ctx", NULL));
		CHECK_RC(dk_session_add_dir(s, "context", dir, NULL));
		CHECK_RC(dk_session_add_dir(s, "dockerfile", dir, NULL));
		CHECK_RC(dk_session_add_secret(s, "tok", secret, strlen(secret)));
		CHECK(dk_session_set_output(s, NULL, -1) == DK_EINVAL);
		CHECK_RC(dk_session_set_output(s, NULL, fd));
		CHECK_RC(dk_session_open(s));
		o.ntags = 0;
		o.outputs = "[{\"Type\":\"tar\",\"Attrs\":{}}]";
		CHECK_RC(dk_image_build_session(&st, c, &o, s, NULL));
		if (st) {
			CHECK(drain(st, &r) == 0 && r.errors == 0);
			dk_stream_free(st);
			st = NULL;
		}
		dk_session_get_stats(s, &ss);
		dk_session_close(s);
		close(fd);
		{
			struct stat sb;
			CHECK(stat(out_tar, &sb) == 0 && sb.st_size > 0 && (uint64_t)sb.st_size == ss.output_bytes);
		}
		snprintf(check, sizeof(check), "tar xOf '%s' a.txt | grep -q from-the-context", out_tar);
		CHECK(system(check) == 0);
		CHECK_RC(dk_session_new(&s, c, "ctx", NULL));
		CHECK_RC(dk_session_add_dir(s, "context", dir, NULL));
		CHECK_RC(dk_session_add_dir(s, "dockerfile", dir, NULL));
		CHECK_RC(dk_session_add_secret(s, "tok", secret, strlen(secret)));
		CHECK_RC(dk_session_set_output(s, out_dir, -1));
		CHECK_RC(dk_session_open(s));
		o.outputs = "[{\"Type\":\"local\",\"Attrs\":{}}]";
		CHECK_RC(dk_image_build_session(&st, c, &o, s, NULL));
		if (st) {
			CHECK(drain(st, &r) == 0 && r.errors == 0);
			dk_stream_free(st);
			st = NULL;
		}
		dk_session_close(s);
		snprintf(check, sizeof(check), "grep -q from-the-context '%s/a.txt' && test -x '%s/bin/sh'",
			out_dir, out_dir);
		CHECK(system(check) == 0);
		snprintf(check, sizeof(check), "rm -rf '%s' '%s'", out_dir, out_tar);
		CHECK(system(check) == 0);
		o.outputs = NULL;
		o.ntags = 1;
	}

	/* a session closed while the engine reads the context */
	{
		char big[128];
		snprintf(big, sizeof(big), "%s/big.bin", dir);
		snprintf(cmd, sizeof(cmd), "head -c 64000000 /dev/urandom > '%s'", big);
		CHECK(system(cmd) == 0);
		put(dir, "Dockerfile", "FROM clibdocker-test/busybox:latest\nCOPY big.bin /big.bin\n");
		s = open_session(c, dir, NULL);
		o.ntags = 0;
		o.nocache = 1;
		CHECK_RC(dk_image_build_session(&st, c, &o, s, NULL));
		for (;;) {
			dk_session_get_stats(s, &ss);
			if (ss.file_bytes > (4u << 20) || ss.closed)
				break;
			usleep(2000);
		}
		dk_session_close(s);
		if (st) {
			drain(st, &r);
			CHECK(r.errors == 1 && r.image[0] == '\0');
			dk_stream_free(st);
		}
	}

	{
		dk_value *del = NULL;
		CHECK_RC(dk_image_delete(&del, c, tags[0], 1, 0));
		dk_value_free(del);
		del = NULL;
		/* the first image, untagged by the rebuild if that made another */
		if (first[0] && dk_image_delete(&del, c, first, 1, 0) != 0)
			CHECK(dk_error_last()->http_status == 404);
		dk_value_free(del);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	dk_client_free(c);
	DKT_DONE();
}
