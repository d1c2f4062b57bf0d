/* The Image API: list, inspect, history, attestations, tag, delete, search,
 * prune, commit, pull/import (create), push, get, get-all, load, build,
 * build-cache prune, and DistributionInspect. */
#include "clibdocker/images.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/random.h>

#include "clibdocker/errors.h"
#include "clibdocker/stream.h"
#include "auth_int.h"
#include "client_int.h"
#include "dockerignore_int.h"
#include "errors_int.h"
#include "gzsrc_int.h"
#include "stream_int.h"
#include "tarctx_int.h"
#include "clibdocker/session.h"
#include "proto_int.h"
#include "session_int.h"
#include "value_int.h"

/* An auth header: base64url of the AuthConfig JSON, redacted in traces. */
static int auth_header(dk_call *k, const char *name, const char *json)
{
	dkbuf b = DKBUF_INIT;
	int rc;

	if (dk__b64url(&b, json, strlen(json))) {
		dkbuf_dispose(&b);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	rc = dk__call_header(k, name, b.ptr, 1);
	memset(b.ptr, 0, b.len);
	dkbuf_dispose(&b);
	return rc;
}

/* Each '\n'-separated line of `lines` as one value of `name`. */
static int query_lines(dk_call *k, const char *name, const char *lines)
{
	const char *p, *e;
	char *one;
	int rc;

	if (!lines)
		return 0;
	for (p = lines; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (e == p)
			continue;
		one = strndup(p, (size_t)(e - p));
		if (!one)
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
		rc = dk__call_query_str(k, name, one);
		free(one);
		if (rc)
			return rc;
	}
	return 0;
}

static int need(const char *what, const char *op, const char *v)
{
	if (!v || !*v)
		return dk__err(DK_EINVAL, 0, 0, "%s: %s is required", op, what);
	return 0;
}

int dk_image_list(dk_value **out, dk_client *c, int all, const char *filters_json,
	int digests, int shared_size)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "ImageList", 1, "/images/json");

	if (rc)
		return rc;
	if (shared_size >= 0 && (rc = dk__call_require(&k, "1.42", "the 'shared-size' parameter")))
		return dk__call_abort(&k, rc);
	if ((rc = dk__call_query_bool(&k, "all", all)) ||
	    (rc = dk__call_query_str(&k, "filters", filters_json)) ||
	    (rc = dk__call_query_bool(&k, "digests", digests)) ||
	    (rc = dk__call_query_bool(&k, "shared-size", shared_size)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_image_inspect(dk_value **out, dk_client *c, const char *name)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "ImageInspect", 1, "/images/{}/json", name);

	return rc ? rc : dk__call_value(&k, out);
}

int dk_image_history(dk_value **out, dk_client *c, const char *name)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "ImageHistory", 1, "/images/{}/history", name);

	return rc ? rc : dk__call_value(&k, out);
}

int dk_image_attestations(dk_value **out, dk_client *c, const char *name,
	const char *platform, const char *type, const char *statement)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "ImageAttestations", 1, "/images/{}/attestations", name);

	if (rc)
		return rc;
	if ((rc = dk__call_require(&k, "1.55", "this operation")) ||
	    (rc = dk__call_query_str(&k, "platform", platform)) ||
	    (rc = dk__call_query_str(&k, "type", type)) ||
	    (rc = dk__call_query_str(&k, "statement", statement)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_image_tag(dk_client *c, const char *name, const char *repo, const char *tag)
{
	dk_call k;
	int rc;

	if ((rc = need("the repository", "ImageTag", repo)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ImageTag", 1, "/images/{}/tag", name);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "repo", repo)) ||
	    (rc = dk__call_query_str(&k, "tag", tag)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_image_delete(dk_value **out, dk_client *c, const char *name, int force, int noprune)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "DELETE", "ImageDelete", 1, "/images/{}", name);

	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "force", force)) ||
	    (rc = dk__call_query_bool(&k, "noprune", noprune)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_image_search(dk_value **out, dk_client *c, const char *term, int limit,
	const char *filters_json)
{
	dk_call k;
	int rc;

	if ((rc = need("the search term", "ImageSearch", term)))
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ImageSearch", 1, "/images/search");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "term", term)) ||
	    (limit > 0 && (rc = dk__call_query_int(&k, "limit", limit))) ||
	    (rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_image_prune(dk_value **out, dk_client *c, const char *filters_json)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "POST", "ImagePrune", 1, "/images/prune");

	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_image_commit(dk_value **out, dk_client *c, const char *container,
	const char *repo, const char *tag, const char *comment, const char *author,
	int pause, const char *changes, const char *config_json)
{
	dk_call k;
	int rc;

	if ((rc = need("the container", "ImageCommit", container)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ImageCommit", 1, "/commit");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "container", container)) ||
	    (rc = dk__call_query_str(&k, "repo", repo)) ||
	    (rc = dk__call_query_str(&k, "tag", tag)) ||
	    (rc = dk__call_query_str(&k, "comment", comment)) ||
	    (rc = dk__call_query_str(&k, "author", author)) ||
	    (rc = dk__call_query_bool(&k, "pause", pause)) ||
	    (rc = query_lines(&k, "changes", changes)))
		return dk__call_abort(&k, rc);
	dk__call_json_body(&k, config_json ? config_json : "{}",
		config_json ? strlen(config_json) : 2, 0);
	return dk__call_value(&k, out);
}

int dk_image_pull(dk_stream **out, dk_client *c, const char *image, const char *tag,
	const char *platform, const char *auth_json)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageCreate: out is NULL");
	*out = NULL;
	if ((rc = need("the image", "ImageCreate", image)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ImageCreate", 1, "/images/create");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "fromImage", image)) ||
	    (rc = dk__call_query_str(&k, "tag", tag && *tag ? tag : NULL)) ||
	    (rc = dk__call_query_str(&k, "platform", platform && *platform ? platform : NULL)) ||
	    (auth_json && (rc = auth_header(&k, "X-Registry-Auth", auth_json))))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_image_import(dk_stream **out, dk_client *c, const char *from_src,
	const char *repo, const char *tag, const char *message, const char *changes,
	const char *platform, dk_read_fn fn, void *userdata)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageCreate: out is NULL");
	*out = NULL;
	if ((rc = need("the source", "ImageCreate", from_src)))
		return rc;
	if (!strcmp(from_src, "-") != (fn != NULL))
		return dk__err(DK_EINVAL, 0, 0,
			"ImageCreate: a body source goes with fromSrc \"-\", and only with it");
	rc = dk__call_begin(&k, c, "POST", "ImageCreate", 1, "/images/create");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "fromSrc", from_src)) ||
	    (rc = dk__call_query_str(&k, "repo", repo)) ||
	    (rc = dk__call_query_str(&k, "tag", tag)) ||
	    (rc = dk__call_query_str(&k, "message", message)) ||
	    (rc = dk__call_query_str(&k, "platform", platform)) ||
	    (rc = query_lines(&k, "changes", changes)) ||
	    (fn && (rc = dk__call_stream_body(&k, fn, userdata, "application/x-tar"))))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_image_push(dk_stream **out, dk_client *c, const char *name, const char *tag,
	const char *auth_json)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImagePush: out is NULL");
	*out = NULL;
	rc = dk__call_begin(&k, c, "POST", "ImagePush", 1, "/images/{}/push", name);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "tag", tag && *tag ? tag : NULL)) ||
	    (rc = auth_header(&k, "X-Registry-Auth", auth_json ? auth_json : "{}")))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_image_get(dk_stream **out, dk_client *c, const char *name)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageGet: out is NULL");
	*out = NULL;
	rc = dk__call_begin(&k, c, "GET", "ImageGet", 1, "/images/{}/get", name);
	return rc ? rc : dk__stream_open(out, &k, DK_STREAM_RAW);
}

int dk_image_get_all(dk_stream **out, dk_client *c, const char *const *names, size_t n)
{
	dk_call k;
	size_t i;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageGetAll: out is NULL");
	*out = NULL;
	if (!names || !n)
		return dk__err(DK_EINVAL, 0, 0, "ImageGetAll: no image names");
	for (i = 0; i < n; i++)
		if ((rc = need("every name", "ImageGetAll", names[i])))
			return rc;
	rc = dk__call_begin(&k, c, "GET", "ImageGetAll", 1, "/images/get");
	if (rc)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = dk__call_query_str(&k, "names", names[i])))
			return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_RAW);
}

int dk_image_load(dk_stream **out, dk_client *c, dk_read_fn fn, void *userdata, int quiet)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageLoad: out is NULL");
	*out = NULL;
	if (!fn)
		return dk__err(DK_EINVAL, 0, 0, "ImageLoad: the tar source is NULL");
	rc = dk__call_begin(&k, c, "POST", "ImageLoad", 1, "/images/load");
	if (rc)
		return rc;
	if ((rc = dk__call_stream_body(&k, fn, userdata, "application/x-tar")) ||
	    (rc = dk__call_query_bool(&k, "quiet", quiet)))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

void dk_build_options_init(dk_build_options *o)
{
	static const dk_build_options init = DK_BUILD_OPTIONS_INIT;

	if (o)
		*o = init;
}

static int bool_or_skip(dk_call *k, const char *name, int v)
{
	return v < 0 ? 0 : dk__call_query_bool(k, name, v);
}

static int int_or_skip(dk_call *k, const char *name, int64_t v)
{
	return v < 0 ? 0 : dk__call_query_int(k, name, v);
}

/* Everything of a build but the body. */
static int build_begin(dk_call *k, dk_client *c, const dk_build_options *o)
{
	static const dk_build_options none = DK_BUILD_OPTIONS_INIT;
	size_t i;
	int rc;

	if (!o)
		o = &none;
	if (o->version != DK_BUILD_OPTIONS_VERSION)
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: options not initialised "
			"(dk_build_options_init)");
	rc = dk__call_begin(k, c, "POST", "ImageBuild", 1, "/build");
	if (rc)
		return rc;
	if (o->target && (rc = dk__call_require(k, "1.37", "the 'target' parameter")))
		goto fail;
	if (o->platform && (rc = dk__call_require(k, "1.34", "the 'platform' parameter")))
		goto fail;
	if (o->outputs && (rc = dk__call_require(k, "1.40", "the 'outputs' parameter")))
		goto fail;
	if ((rc = dk__call_query_str(k, "dockerfile", o->dockerfile)))
		goto fail;
	for (i = 0; i < o->ntags; i++)
		if (o->tags[i] && (rc = dk__call_query_str(k, "t", o->tags[i])))
			goto fail;
	for (i = 0; i < o->nextra_hosts; i++)
		if (o->extra_hosts[i] && (rc = dk__call_query_str(k, "extrahosts", o->extra_hosts[i])))
			goto fail;
	if ((rc = dk__call_query_str(k, "remote", o->remote)) ||
	    (rc = bool_or_skip(k, "q", o->quiet)) ||
	    (rc = bool_or_skip(k, "nocache", o->nocache)) ||
	    (rc = dk__call_query_str(k, "cachefrom", o->cachefrom_json)) ||
	    (rc = bool_or_skip(k, "pull", o->pull)) ||
	    (rc = bool_or_skip(k, "rm", o->rm)) ||
	    (rc = bool_or_skip(k, "forcerm", o->forcerm)) ||
	    (rc = int_or_skip(k, "memory", o->memory)) ||
	    (rc = int_or_skip(k, "memswap", o->memswap)) ||
	    (rc = int_or_skip(k, "cpushares", o->cpushares)) ||
	    (rc = dk__call_query_str(k, "cpusetcpus", o->cpusetcpus)) ||
	    (rc = int_or_skip(k, "cpuperiod", o->cpuperiod)) ||
	    (rc = int_or_skip(k, "cpuquota", o->cpuquota)) ||
	    (rc = dk__call_query_str(k, "buildargs", o->buildargs_json)) ||
	    (rc = int_or_skip(k, "shmsize", o->shmsize)) ||
	    (rc = bool_or_skip(k, "squash", o->squash)) ||
	    (rc = dk__call_query_str(k, "labels", o->labels_json)) ||
	    (rc = dk__call_query_str(k, "networkmode", o->networkmode)) ||
	    (rc = dk__call_query_str(k, "platform", o->platform)) ||
	    (rc = dk__call_query_str(k, "target", o->target)) ||
	    (rc = dk__call_query_str(k, "outputs", o->outputs)) ||
	    (rc = dk__call_query_str(k, "isolation", o->isolation)))
		goto fail;
	return 0;
fail:
	return dk__call_abort(k, rc);
}

/* Headers after the body (dk__call_stream_body must come first). */
static int build_headers(dk_call *k, const dk_build_options *o)
{
	int rc = 0;

	if (!o)
		return 0;
	if (o->content_encoding && (rc = dk__call_header(k, "Content-Encoding", o->content_encoding, 0)))
		return rc;
	if (o->registry_config_json)
		rc = auth_header(k, "X-Registry-Config", o->registry_config_json);
	return rc;
}

int dk_image_build(dk_stream **out, dk_client *c, const dk_build_options *o,
	dk_read_fn fn, void *userdata)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: out is NULL");
	*out = NULL;
	if (!fn && !(o && o->remote))
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: no context (a tar source or `remote`)");
	rc = build_begin(&k, c, o);
	if (rc)
		return rc;
	if ((fn && (rc = dk__call_stream_body(&k, fn, userdata, "application/x-tar"))) ||
	    (rc = build_headers(&k, o)))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

/* The text of dir's .dockerignore into text (left empty if it has none). */
static int read_ignore_text(dkbuf *text, const char *dir)
{
	dkbuf path = DKBUF_INIT;
	int rc;

	if (dkbuf_printf(&path, "%s/.dockerignore", dir))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	rc = dkbuf_read_file(text, path.ptr, (size_t)16 << 20);
	if (rc == 1)
		rc = 0; /* no .dockerignore */
	dkbuf_dispose(&path);
	return rc;
}

/* 1 if a .dockerignore text has a pattern (a line neither blank nor a
 * comment). */
static int has_pattern(const char *p, size_t len)
{
	const char *end = p + len;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < end && *p != '\n' && *p != '#')
			return 1;
		while (p < end && *p != '\n')
			p++;
		if (p < end)
			p++;
	}
	return 0;
}

/* ".dockerfile." and 40 random hex digits. */
static void random_dockerfile_name(char out[53])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[20];
	size_t got = 0, i;
	ssize_t n;

	while (got < sizeof(r)) {
		n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(r)) {  /* no getrandom(): the name only needs to be unlikely to clash */
		uint64_t x = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() ^
			(uint64_t)(uintptr_t)out;
		for (; got < sizeof(r); got++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			r[got] = (unsigned char)x;
		}
	}
	memcpy(out, ".dockerfile.", 12);
	for (i = 0; i < sizeof(r); i++) {
		out[12 + 2 * i] = hex[r[i] >> 4];
		out[13 + 2 * i] = hex[r[i] & 15];
	}
	out[52] = '\0';
}

/* Where the Dockerfile `df` (relative to dir, or absolute) is: *rel is set
 * to its cleaned path inside dir (caller's), or left NULL with *outside
 * set to its cleaned absolute path (caller's) when it is outside. */
static int locate_dockerfile(const char *dir, const char *df, char **rel, char **outside)
{
	dkbuf root = DKBUF_INIT, abs = DKBUF_INIT;
	char cwd[4096];
	size_t rl;
	int rc = 0;

	*rel = *outside = NULL;
	if (dir[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return dk__err(DK_EINVAL, 0, 0, "ImageBuild: getcwd: %s", strerror(errno));
		if (dkbuf_printf(&root, "%s/%s", cwd, dir))
			goto nomem;
	} else if (dkbuf_printf(&root, "%s", dir)) {
		goto nomem;
	}
	dk__path_clean(root.ptr);
	root.len = strlen(root.ptr);
	if (df[0] == '/' ? dkbuf_printf(&abs, "%s", df) : dkbuf_printf(&abs, "%s/%s", root.ptr, df))
		goto nomem;
	dk__path_clean(abs.ptr);
	rl = strcmp(root.ptr, "/") ? root.len : 0;
	if (!strncmp(abs.ptr, root.ptr, rl) && abs.ptr[rl] == '/' && abs.ptr[rl + 1]) {
		if (!(*rel = strdup(abs.ptr + rl + 1)))
			goto nomem;
	} else if (!(*outside = strdup(abs.ptr))) {
		goto nomem;
	}
	goto out;
nomem:
	rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
out:
	dkbuf_dispose(&root);
	dkbuf_dispose(&abs);
	return rc;
}

int dk_image_build_dir(dk_stream **out, dk_client *c, const dk_build_options *o,
	const char *context_dir)
{
	static const dk_build_options none = DK_BUILD_OPTIONS_INIT;
	dk_build_options opts;
	dk_ignore *ig = NULL;
	dk_tarctx *t = NULL;
	dk_gzsrc *gz = NULL;
	void *src;
	dk_read_fn src_read = dk__tarctx_read;
	void (*src_free)(void *) = dk__tarctx_free_v;
	const char *keep[2];
	char *rel = NULL, *outside = NULL, name[53];
	dkbuf ign = DKBUF_INIT, dfdata = DKBUF_INIT;
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: out is NULL");
	*out = NULL;
	if (!context_dir || !*context_dir)
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: the context directory is required");
	opts = o ? *o : none;
	if (opts.content_encoding && strcasecmp(opts.content_encoding, "gzip"))
		return dk__err(DK_EINVAL, 0, 0,
			"ImageBuild: a directory context can be sent plain or gzip-compressed, not '%s'",
			opts.content_encoding);
	if (opts.dockerfile && !*opts.dockerfile)
		opts.dockerfile = NULL;
	if (opts.dockerfile && (rc = locate_dockerfile(context_dir, opts.dockerfile, &rel, &outside)))
		return rc;
	rc = read_ignore_text(&ign, context_dir);
	if (!rc && outside) {
		/* sent inside the context under a new name, which the .dockerignore
		 * sent lists, so that the engine drops it (and .dockerignore) */
		rc = dkbuf_read_file(&dfdata, outside, (size_t)16 << 20);
		if (rc == 1)
			rc = dk__err(DK_EINVAL, 0, 0, "ImageBuild: no Dockerfile %s", outside);
		random_dockerfile_name(name);
		if (!rc && !has_pattern(ign.ptr ? ign.ptr : "", ign.len)) {
			dkbuf_clear(&ign);
			if (dkbuf_printf(&ign, ".dockerignore"))
				rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		}
		if (!rc && dkbuf_printf(&ign, "\n%s\n", name))
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		opts.dockerfile = name;
	} else if (rel) {
		opts.dockerfile = rel;
	}
	if (!rc)
		rc = dk__ignore_parse(&ig, ign.ptr ? ign.ptr : "", ign.len);
	keep[0] = opts.dockerfile ? opts.dockerfile : "Dockerfile";
	keep[1] = ".dockerignore";
	if (!rc)
		rc = dk__tarctx_open(&t, context_dir, ig, keep, 2);  /* takes ig */
	if (!rc && outside &&
	    (!(rc = dk__tarctx_add_mem(t, ".dockerignore", ign.ptr, ign.len))))
		rc = dk__tarctx_add_mem(t, name, dfdata.ptr ? dfdata.ptr : "", dfdata.len);
	dkbuf_dispose(&ign);
	dkbuf_dispose(&dfdata);
	free(outside);
	if (rc) {
		dk__tarctx_free(t);
		free(rel);
		return rc;
	}
	src = t;
	if (opts.content_encoding) {
		/* gzip: compressed while it is sent (takes the context) */
		rc = dk__gzsrc_open(&gz, dk__tarctx_read, t, dk__tarctx_free_v, -1);
		if (rc) {
			free(rel);
			return rc;
		}
		src = gz;
		src_read = dk__gzsrc_read;
		src_free = dk__gzsrc_free_v;
	}
	rc = build_begin(&k, c, &opts);
	free(rel);  /* in the query now */
	if (rc) {
		src_free(src);
		return rc;
	}
	k.body_free = src_free;  /* the call owns the context now */
	if ((rc = dk__call_stream_body(&k, src_read, src, "application/x-tar")) ||
	    (rc = build_headers(&k, &opts))) {
		k.body_read_ud = src;
		return dk__call_abort(&k, rc);
	}
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

/* --- BuildKit ------------------------------------------------------------------ */

int dk_image_build_session(dk_stream **out, dk_client *c, const dk_build_options *o,
	dk_session *s, const char *buildid)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: out is NULL");
	*out = NULL;
	if (!s || !dk__session_is_open(s))
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: no open session (dk_session_open first; "
			"a session that ended cannot serve a build)");
	if (o && o->remote)
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: a BuildKit build through a session "
			"takes its context from the session, not from `remote`");
	if (o && o->content_encoding)
		return dk__err(DK_EINVAL, 0, 0, "ImageBuild: a BuildKit build through a session has no body "
			"to encode");
	rc = build_begin(&k, c, o);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "version", "2")) ||
	    (rc = dk__call_query_str(&k, "session", dk_session_id(s))) ||
	    (rc = dk__call_query_str(&k, "remote", "client-session")) ||
	    (rc = dk__call_query_str(&k, "buildid", buildid && *buildid ? buildid : NULL)) ||
	    (rc = build_headers(&k, o)))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_build_cancel(dk_client *c, const char *buildid)
{
	dk_call k;
	int rc;

	if (!buildid || !*buildid)
		return dk__err(DK_EINVAL, 0, 0, "BuildCancel: no build id");
	rc = dk__call_begin(&k, c, "POST", "BuildCancel", 1, "/build/cancel");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "id", buildid)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_buildkit_status_decode(dk_value **out, const char *aux_b64, size_t len)
{
	dkbuf raw = DKBUF_INIT, json = DKBUF_INIT;
	dk_value *v;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_buildkit_status_decode: out is NULL");
	*out = NULL;
	if (!aux_b64 && len)
		return dk__err(DK_EINVAL, 0, 0, "dk_buildkit_status_decode: NULL data");
	if ((rc = dk_b64_decode(&raw, aux_b64 ? aux_b64 : "", len)) ||
	    (rc = dk_bk_status_to_json(&json, raw.ptr, raw.len))) {
		dkbuf_dispose(&raw);
		dkbuf_dispose(&json);
		return rc;
	}
	dkbuf_dispose(&raw);
	{
		size_t n = json.len;
		char *body = dkbuf_detach(&json, NULL);
		if (!body || !(v = dk__value_take(body, n)))
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	*out = v;
	return 0;
}

int dk_build_prune(dk_value **out, dk_client *c, int all, const char *filters_json,
	int64_t keep_storage)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "POST", "BuildPrune", 1, "/build/prune");

	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "all", all)) ||
	    (rc = dk__call_query_str(&k, "filters", filters_json)) ||
	    (keep_storage >= 0 && (rc = dk__call_query_int(&k, "keep-storage", keep_storage))))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_distribution_inspect(dk_value **out, dk_client *c, const char *name,
	const char *auth_json)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "DistributionInspect", 1, "/distribution/{}/json", name);

	if (rc)
		return rc;
	if (auth_json && (rc = auth_header(&k, "X-Registry-Auth", auth_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}
