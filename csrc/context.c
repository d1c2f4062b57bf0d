/* Docker CLI contexts: $DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json
 * holds {"Name", "Endpoints": {"docker": {"Host", "SkipTLSVerify"}}}; TLS
 * material lives in contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem. */
#include "clibdocker/context.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clibdocker/client.h"
#include "clibdocker/errors.h"
#include "clibdocker/value.h"
#include "buf_int.h"
#include "client_int.h"
#include "errors_int.h"
#include "sha256_int.h"
#include "value_int.h"

#define DK_META_MAX ((size_t)1 << 20)

static int config_dir_of(dkbuf *dir, const char *config_dir)
{
	const char *env = getenv("DOCKER_CONFIG"), *home = getenv("HOME");

	if (config_dir && *config_dir)
		return dkbuf_puts(dir, config_dir);
	if (env && *env)
		return dkbuf_puts(dir, env);
	return dkbuf_printf(dir, "%s/.docker", home && *home ? home : "");
}

static json_object *parse_json_file(const char *path, int *rc)
{
	dkbuf text = DKBUF_INIT;
	json_object *o = NULL;

	*rc = dkbuf_read_file(&text, path, DK_META_MAX);
	if (*rc == 0) {
		o = json_tokener_parse(text.ptr ? text.ptr : "");
		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			o = NULL;
			*rc = dk__err(DK_EINVAL, 0, 0, "%s: not a JSON object", path);
		}
	}
	dkbuf_dispose(&text);
	return o;
}

/* The context the CLI would pick when none is named; NULL means default.
 * With use_env 0 only the config's currentContext counts. */
static int chosen_name(char **name, const char *dir, int use_env)
{
	const char *env = use_env ? getenv("DOCKER_CONTEXT") : NULL;
	const char *host = use_env ? getenv("DOCKER_HOST") : NULL;
	json_object *cfg, *cur;
	dkbuf path = DKBUF_INIT;
	int rc = 0;

	*name = NULL;
	if (env && *env) {
		*name = strdup(env);
		return *name ? 0 : dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	if (host && *host)
		return 0;
	if (dkbuf_printf(&path, "%s/config.json", dir))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	cfg = parse_json_file(path.ptr, &rc);
	dkbuf_dispose(&path);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return rc;
	if (json_object_object_get_ex(cfg, "currentContext", &cur) &&
	    json_object_is_type(cur, json_type_string) && *json_object_get_string(cur)) {
		*name = strdup(json_object_get_string(cur));
		if (!*name)
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	json_object_put(cfg);
	return rc;
}

int dk_context_resolve(dk_value **out, const char *config_dir, const char *name)
{
	dkbuf dir = DKBUF_INIT, path = DKBUF_INIT;
	json_object *res = NULL, *meta = NULL, *eps, *ep, *v, *tls;
	char *picked = NULL, hex[65];
	const char *host = NULL, *s;
	int rc, skip = 0;
	size_t i;
	static const char *const files[3][2] = {{"CA", "ca.pem"}, {"Cert", "cert.pem"}, {"Key", "key.pem"}};

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_context_resolve: out is NULL");
	*out = NULL;
	if (config_dir_of(&dir, config_dir))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	if (!name || !*name) {
		rc = chosen_name(&picked, dir.ptr, name == NULL);
		if (rc)
			goto done;
		name = picked;
	}
	res = json_object_new_object();
	if (!res) {
		rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		goto done;
	}
	json_object_object_add(res, "Name", json_object_new_string(name ? name : "default"));
	tls = NULL;
	if (name && strcmp(name, "default")) {
		dk__sha256_hex(name, strlen(name), hex);
		if (dkbuf_printf(&path, "%s/contexts/meta/%s/meta.json", dir.ptr, hex)) {
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
			goto done;
		}
		meta = parse_json_file(path.ptr, &rc);
		if (rc == 1) {
			rc = dk__err(DK_ENOTFOUND, 0, 0, "context \"%s\" does not exist", name);
			goto done;
		}
		if (rc < 0)
			goto done;
		if (json_object_object_get_ex(meta, "Endpoints", &eps) &&
		    json_object_object_get_ex(eps, "docker", &ep)) {
			if (json_object_object_get_ex(ep, "Host", &v) && json_object_is_type(v, json_type_string))
				host = json_object_get_string(v);
			if (json_object_object_get_ex(ep, "SkipTLSVerify", &v))
				skip = json_object_get_boolean(v);
		}
		if (!host) {
			rc = dk__err(DK_EINVAL, 0, 0, "context \"%s\" has no docker endpoint host", name);
			goto done;
		}
		for (i = 0; i < 3; i++) {
			dkbuf_clear(&path);
			if (dkbuf_printf(&path, "%s/contexts/tls/%s/docker/%s", dir.ptr, hex, files[i][1])) {
				rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
				goto done;
			}
			if (access(path.ptr, R_OK) == 0) {
				if (!tls)
					tls = json_object_new_object();
				json_object_object_add(tls, files[i][0], json_object_new_string(path.ptr));
			}
		}
	}
	json_object_object_add(res, "Host", host ? json_object_new_string(host) : NULL);
	json_object_object_add(res, "SkipTLSVerify", json_object_new_boolean(skip));
	json_object_object_add(res, "TLS", tls);
	s = json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN);
	*out = dk__value_take(strdup(s), strlen(s));
	rc = *out ? 0 : dk__err(DK_ENOMEM, 0, 0, "out of memory");
done:
	json_object_put(meta);
	json_object_put(res);
	free(picked);
	dkbuf_dispose(&dir);
	dkbuf_dispose(&path);
	return rc;
}

int dk_client_new_from_context(dk_client **out, const char *config_dir, const char *name)
{
	dk_value *ctx = NULL;
	const char *host, *ver = getenv("DOCKER_API_VERSION");
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_client_new_from_context: out is NULL");
	*out = NULL;
	rc = dk_context_resolve(&ctx, config_dir, name);
	if (rc)
		return rc;
	host = dk_value_get_string(ctx, "/Host");
	if (!host) {
		/* the default context: DOCKER_HOST and DOCKER_TLS_* as usual */
		dk_value_free(ctx);
		return dk__client_new_from_host_env(out);
	}
	rc = dk_client_new(out, host);
	if (!rc && dk_value_type(ctx, "/TLS") == DK_JSON_OBJECT && strncmp(host, "unix://", 7)) {
		dk_tls_options o = DK_TLS_OPTIONS_INIT;
		int skip = 0;
		dk_value_get_bool(ctx, "/SkipTLSVerify", &skip);
		o.ca_cert = dk_value_get_string(ctx, "/TLS/CA");
		o.client_cert = dk_value_get_string(ctx, "/TLS/Cert");
		o.client_key = o.client_cert ? dk_value_get_string(ctx, "/TLS/Key") : NULL;
		o.verify = !skip;
		rc = dk_client_set_tls(*out, &o);
	}
	if (!rc && ver && *ver)
		rc = dk_client_set_api_version(*out, ver);
	if (rc) {
		dk_client_free(*out);
		*out = NULL;
	}
	dk_value_free(ctx);
	return rc;
}
