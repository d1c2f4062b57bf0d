/* The Image C API end to end against the main engine and the local registry:
 * build from a directory (with .dockerignore), inspect, tag, save to a file,
 * remove, load, push with credentials found by dk_auth_lookup() through a
 * credential helper, pull back by digest, and error paths. */
#define _GNU_SOURCE
#include "dktest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

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

/* Drain a JSON progress stream; returns 1 if it carried an errorDetail, and
 * copies the "aux" ID or Digest seen (if any) to id. */
static int drain(dk_stream *s, char *id, size_t idlen, const char *key)
{
	const char *data;
	size_t len;
	int rc, err = 0;

	while ((rc = dk_stream_next(s, &data, &len)) == 1) {
		if (memmem(data, len, "\"errorDetail\"", 13))
			err = 1;
		if (id && key && memmem(data, len, "\"aux\"", 5)) {
			const char *p = memmem(data, len, key, strlen(key));
			if (p) {
				const char *q = p + strlen(key);
				size_t n = 0;
				while (q + n < data + len && q[n] != '"' && n + 1 < idlen)
					n++;
				memcpy(id, q, n);
				id[n] = '\0';
			}
		}
	}
	CHECK(rc == 0);
	return err;
}

int main(void)
{
	const char *reg = env_or("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000");
	const char *user = env_or("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker");
	const char *pass = env_or("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret");
	const char *base = env_or("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest");
	char tmpl[] = "/tmp/dk-img-e2e-XXXXXX", *dir = mkdtemp(tmpl);
	char ctx[600], tarpath[600], cfgdir[600], tag[128], repo[160], ref[512], id[128] = "";
	char digest[128] = "", text[1024], helpers[1024], path[4096];
	const char *tags[1];
	dk_build_options o;
	dk_client *c = NULL;
	dk_value *v = NULL;
	dk_stream *s = NULL;
	uint64_t copied = 0;
	int fd, rc;

	CHECK(dir != NULL);
	CHECK_RC(dk_client_new_from_env(&c));
	if (!c || !dir)
		DKT_DONE();
	snprintf(ctx, sizeof(ctx), "%s/ctx", dir);
	mkdir(ctx, 0755);
	snprintf(text, sizeof(text), "FROM %s\nCOPY . /ctx/\nLABEL clibdocker-test=1\n"
		"CMD ls /ctx\n", base);
	put(ctx, "Dockerfile", text);
	put(ctx, "kept.txt", "kept\n");
	put(ctx, "dropped.log", "dropped\n");
	put(ctx, ".dockerignore", "*.log\n");
	snprintf(tag, sizeof(tag), "clibdocker-test/ctest-%ld", (long)getpid());

	/* build from the directory */
	dk_build_options_init(&o);
	tags[0] = tag;
	o.tags = tags;
	o.ntags = 1;
	o.rm = 1;
	CHECK_RC(dk_image_build_dir(&s, c, &o, ctx));
	if (s) {
		CHECK(drain(s, id, sizeof(id), "\"ID\":\"") == 0);
		dk_stream_free(s);
		s = NULL;
	}
	CHECK(!strncmp(id, "sha256:", 7));
	snprintf(text, sizeof(text), "docker run --rm %s | tr '\\n' ' '", tag);
	{
		FILE *p = popen(text, "r");
		char out[256] = "";
		if (p) {
			if (!fgets(out, sizeof(out), p))
				out[0] = '\0';
			pclose(p);
		}
		CHECK(strstr(out, "kept.txt") != NULL);
		CHECK(strstr(out, "dropped.log") == NULL);
	}

	/* a Dockerfile outside the context: sent inside it under a generated
	 * name, which the engine drops again (the .dockerignore stays: it has
	 * a pattern) */
	{
		char oid[128] = "", out[512] = "", cmd[256];
		FILE *p;
		snprintf(text, sizeof(text), "FROM %s\nCOPY . /ctx/\nLABEL clibdocker-test=1\n"
			"CMD ls -a /ctx\n", base);
		put(dir, "Dockerfile.outside", text);
		dk_build_options_init(&o);
		o.dockerfile = "../Dockerfile.outside";
		o.rm = 1;
		CHECK_RC(dk_image_build_dir(&s, c, &o, ctx));
		if (s) {
			CHECK(drain(s, oid, sizeof(oid), "\"ID\":\"") == 0);
			dk_stream_free(s);
			s = NULL;
		}
		CHECK(!strncmp(oid, "sha256:", 7));
		snprintf(cmd, sizeof(cmd), "docker run --rm %s | tr '\\n' ' '", oid);
		if ((p = popen(cmd, "r")) != NULL) {
			if (!fgets(out, sizeof(out), p))
				out[0] = '\0';
			pclose(p);
		}
		CHECK(strstr(out, "kept.txt") != NULL);
		CHECK(strstr(out, ".dockerignore") != NULL);
		CHECK(strstr(out, ".dockerfile.") == NULL);
		CHECK(strstr(out, "dropped.log") == NULL);
		if (oid[0]) {
			CHECK_RC(dk_image_delete(&v, c, oid, 1, 0));
			dk_value_free(v);
			v = NULL;
		}
		/* a missing one is refused before any request */
		o.dockerfile = "/nonexistent/Dockerfile";
		CHECK(dk_image_build_dir(&s, c, &o, ctx) == DK_EINVAL && s == NULL);
	}

	/* inspect, tag, list */
	CHECK_RC(dk_image_inspect(&v, c, tag));
	CHECK(v && dk_value_get_string(v, "/Id") && !strcmp(dk_value_get_string(v, "/Id"), id));
	dk_value_free(v);
	v = NULL;
	rc = dk_image_inspect(&v, c, "clibdocker-test/no-such-image:x");
	CHECK(rc == DK_ENOTFOUND && v == NULL);
	CHECK(dk_error_last()->http_status == 404);
	snprintf(repo, sizeof(repo), "%s/clibdocker-test/ctest-%ld", reg, (long)getpid());
	CHECK_RC(dk_image_tag(c, tag, repo, "c1"));
	CHECK_RC(dk_image_list(&v, c, 0, "{\"label\":[\"clibdocker-test=1\"]}", -1, -1));
	CHECK(v && dk_value_count(v, "") >= 1);
	dk_value_free(v);
	v = NULL;
	CHECK(dk_image_list(&v, c, 0, NULL, -1, 1) == DK_EVERSION);

	/* save to a file, remove, load: the same id */
	snprintf(tarpath, sizeof(tarpath), "%s/img.tar", dir);
	CHECK_RC(dk_image_get(&s, c, tag));
	fd = open(tarpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK_RC(dk_stream_copy_fd(s, fd, &copied));
	close(fd);
	dk_stream_free(s);
	s = NULL;
	CHECK(copied > 1024);
	CHECK_RC(dk_image_delete(&v, c, tag, 0, -1));
	dk_value_free(v);
	v = NULL;
	fd = open(tarpath, O_RDONLY);
	CHECK_RC(dk_image_load(&s, c, dk_read_fd, &fd, 0));
	if (s) {
		CHECK(drain(s, NULL, 0, NULL) == 0);
		dk_stream_free(s);
		s = NULL;
	}
	close(fd);
	CHECK_RC(dk_image_inspect(&v, c, tag));
	CHECK(v && !strcmp(dk_value_get_string(v, "/Id"), id));
	dk_value_free(v);
	v = NULL;

	/* credentials through config.json credHelpers and the test helper */
	snprintf(cfgdir, sizeof(cfgdir), "%s/cfg", dir);
	mkdir(cfgdir, 0755);
	snprintf(text, sizeof(text), "{\"credHelpers\":{\"%s\":\"clibdockertest\"}}", reg);
	put(cfgdir, "config.json", text);
	snprintf(text, sizeof(text), "{\"%s\":{\"Username\":\"%s\",\"Secret\":\"%s\"}}", reg, user, pass);
	put(dir, "creds.json", text);
	snprintf(path, sizeof(path), "%s/creds.json", dir);
	setenv("CLIBDOCKER_TEST_CREDS", path, 1);
	snprintf(helpers, sizeof(helpers), "%s", CLIBDOCKER_TEST_HELPERS);
	snprintf(path, sizeof(path), "%s:%s", helpers, env_or("PATH", "/usr/bin:/bin"));
	setenv("PATH", path, 1);
	CHECK_RC(dk_auth_lookup(&v, cfgdir, repo));
	CHECK(v && dk_value_get_string(v, "/password") && !strcmp(dk_value_get_string(v, "/password"), pass));

	/* push, then pull back by digest */
	CHECK_RC(dk_image_push(&s, c, repo, "c1", v ? dk_value_body(v, NULL) : NULL));
	if (s) {
		CHECK(drain(s, digest, sizeof(digest), "\"Digest\":\"") == 0);
		dk_stream_free(s);
		s = NULL;
	}
	CHECK(!strncmp(digest, "sha256:", 7));
	dk_value_free(v);
	v = NULL;
	snprintf(ref, sizeof(ref), "%s:c1", repo);
	CHECK_RC(dk_image_delete(&v, c, ref, 0, -1));
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_auth_lookup(&v, cfgdir, repo));
	CHECK_RC(dk_image_pull(&s, c, repo, digest, NULL, v ? dk_value_body(v, NULL) : NULL));
	if (s) {
		CHECK(drain(s, NULL, 0, NULL) == 0);
		dk_stream_free(s);
		s = NULL;
	}
	dk_value_free(v);
	v = NULL;
	snprintf(ref, sizeof(ref), "%s@%s", repo, digest);
	CHECK_RC(dk_image_inspect(&v, c, ref));
	CHECK(v && !strcmp(dk_value_get_string(v, "/Id"), id));
	dk_value_free(v);
	v = NULL;

	/* wrong credentials: the stream reports it */
	snprintf(text, sizeof(text), "{\"username\":\"%s\",\"password\":\"wrong\"}", user);
	CHECK_RC(dk_image_push(&s, c, repo, "c1", text));
	if (s) {
		CHECK(drain(s, NULL, 0, NULL) == 1);
		dk_stream_free(s);
		s = NULL;
	}

	/* bad input is refused before any request */
	CHECK(dk_image_build_dir(&s, c, NULL, "/nonexistent/dir") == DK_EINVAL);
	{
		/* a directory context is sent plain or gzip-compressed, nothing else */
		dk_build_options bo;
		dk_build_options_init(&bo);
		bo.content_encoding = "br";
		CHECK(dk_image_build_dir(&s, c, &bo, ctx) == DK_EINVAL);
		CHECK(s == NULL);
		CHECK(strstr(dk_error_last()->message, "'br'") != NULL);
	}
	CHECK(dk_image_get_all(&s, c, NULL, 0) == DK_EINVAL);
	CHECK(dk_image_tag(c, tag, NULL, NULL) == DK_EINVAL);
	CHECK(dk_image_attestations(&v, c, tag, NULL, NULL, NULL) == DK_EVERSION);

	/* cleanup */
	CHECK_RC(dk_image_delete(&v, c, ref, 1, -1));
	dk_value_free(v);
	v = NULL;
	dk_image_delete(&v, c, tag, 1, -1);
	dk_value_free(v);
	v = NULL;
	snprintf(text, sizeof(text), "rm -rf %s", dir);
	CHECK(system(text) == 0);
	dk_client_free(c);
	DKT_DONE();
}
