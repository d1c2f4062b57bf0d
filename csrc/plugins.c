/* The Plugin API: list, privileges, pull, inspect, delete, enable, disable,
 * upgrade, create, push, set. */
#include "clibdocker/plugins.h"

#include <string.h>
#include <sys/stat.h>

#include "clibdocker/errors.h"
#include "clibdocker/stream.h"
#include "auth_int.h"
#include "client_int.h"
#include "errors_int.h"
#include "stream_int.h"
#include "tarctx_int.h"

/* X-Registry-Auth: base64url of the AuthConfig JSON, redacted in traces. */
static int auth_header(dk_call *k, const char *json)
{
	dkbuf b = DKBUF_INIT;
	int rc;

	if (dk__b64url(&b, json, strlen(json))) {
		dkbuf_dispose(&b);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	rc = dk__call_header(k, "X-Registry-Auth", b.ptr, 1);
	memset(b.ptr, 0, b.len);
	dkbuf_dispose(&b);
	return rc;
}

static int need(const char *op, const char *what, const char *v)
{
	if (!v || !*v)
		return dk__err(DK_EINVAL, 0, 0, "%s: %s is required", op, what);
	return 0;
}

int dk_plugin_list(dk_value **out, dk_client *c, const char *filters_json)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "PluginList", 1, "/plugins");

	if (rc)
		return rc;
	if (filters_json && ((rc = dk__call_require(&k, "1.28", "the 'filters' parameter")) ||
	    (rc = dk__call_query_str(&k, "filters", filters_json))))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_plugin_privileges(dk_value **out, dk_client *c, const char *remote,
	const char *auth_json)
{
	dk_call k;
	int rc;

	if ((rc = need("GetPluginPrivileges", "the remote reference", remote)))
		return rc;
	rc = dk__call_begin(&k, c, "GET", "GetPluginPrivileges", 1, "/plugins/privileges");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "remote", remote)) ||
	    (auth_json && (rc = auth_header(&k, auth_json))))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

/* The privileges body of pull and upgrade; NULL grants none. */
static void privileges_body(dk_call *k, const char *privileges_json)
{
	if (!privileges_json)
		privileges_json = "[]";
	dk__call_json_body(k, privileges_json, strlen(privileges_json), 0);
}

int dk_plugin_pull(dk_stream **out, dk_client *c, const char *remote,
	const char *name, const char *privileges_json, const char *auth_json)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "PluginPull: out is NULL");
	*out = NULL;
	if ((rc = need("PluginPull", "the remote reference", remote)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "PluginPull", 1, "/plugins/pull");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "remote", remote)) ||
	    (rc = dk__call_query_str(&k, "name", name && *name ? name : NULL)) ||
	    (auth_json && (rc = auth_header(&k, auth_json))))
		return dk__call_abort(&k, rc);
	privileges_body(&k, privileges_json);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_plugin_inspect(dk_value **out, dk_client *c, const char *name)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "PluginInspect", 1, "/plugins/{}/json", name);

	return rc ? rc : dk__call_value(&k, out);
}

int dk_plugin_delete(dk_client *c, const char *name, int force)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "DELETE", "PluginDelete", 1, "/plugins/{}", name);

	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "force", force)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_plugin_enable(dk_client *c, const char *name, int timeout)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "POST", "PluginEnable", 1, "/plugins/{}/enable", name);

	if (rc)
		return rc;
	if (timeout >= 0 && (rc = dk__call_query_int(&k, "timeout", timeout)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_plugin_disable(dk_client *c, const char *name, int force)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "POST", "PluginDisable", 1, "/plugins/{}/disable", name);

	if (rc)
		return rc;
	if (force >= 0 && ((rc = dk__call_require(&k, "1.28", "the 'force' parameter")) ||
	    (rc = dk__call_query_bool(&k, "force", force))))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_plugin_upgrade(dk_stream **out, dk_client *c, const char *name,
	const char *remote, const char *privileges_json, const char *auth_json)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "PluginUpgrade: out is NULL");
	*out = NULL;
	if ((rc = need("PluginUpgrade", "the remote reference", remote)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "PluginUpgrade", 1, "/plugins/{}/upgrade", name);
	if (rc)
		return rc;
	if ((rc = dk__call_require(&k, "1.26", "this operation")) ||
	    (rc = dk__call_query_str(&k, "remote", remote)) ||
	    (auth_json && (rc = auth_header(&k, auth_json))))
		return dk__call_abort(&k, rc);
	privileges_body(&k, privileges_json);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_plugin_create(dk_client *c, const char *name, dk_read_fn fn, void *userdata)
{
	dk_call k;
	int rc;

	if ((rc = need("PluginCreate", "the plugin name", name)))
		return rc;
	if (!fn)
		return dk__err(DK_EINVAL, 0, 0, "PluginCreate: the tar source is NULL");
	rc = dk__call_begin(&k, c, "POST", "PluginCreate", 1, "/plugins/create");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "name", name)) ||
	    (rc = dk__call_stream_body(&k, fn, userdata, "application/x-tar")))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

/* The directory holds config.json (a file) and rootfs/ (a directory). */
static int check_plugin_dir(const char *dir)
{
	dkbuf p = DKBUF_INIT;
	struct stat st;
	int ok;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return dk__err(DK_EINVAL, 0, 0, "PluginCreate: %s is not a directory", dir);
	if (dkbuf_printf(&p, "%s/config.json", dir))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	ok = stat(p.ptr, &st) == 0 && S_ISREG(st.st_mode);
	dkbuf_clear(&p);
	if (!ok) {
		dkbuf_dispose(&p);
		return dk__err(DK_EINVAL, 0, 0, "PluginCreate: %s has no config.json", dir);
	}
	if (dkbuf_printf(&p, "%s/rootfs", dir)) {
		dkbuf_dispose(&p);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	ok = stat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode);
	dkbuf_dispose(&p);
	if (!ok)
		return dk__err(DK_EINVAL, 0, 0, "PluginCreate: %s has no rootfs directory", dir);
	return 0;
}

int dk_plugin_create_dir(dk_client *c, const char *name, const char *dir)
{
	dk_tarctx *t = NULL;
	dk_call k;
	int rc;

	if ((rc = need("PluginCreate", "the plugin name", name)) ||
	    (rc = need("PluginCreate", "the plugin directory", dir)) ||
	    (rc = check_plugin_dir(dir)))
		return rc;
	if ((rc = dk__tarctx_open(&t, dir, NULL, NULL, 0)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "PluginCreate", 1, "/plugins/create");
	if (rc) {
		dk__tarctx_free(t);
		return rc;
	}
	k.body_free = dk__tarctx_free_v;  /* the call owns the context now */
	if ((rc = dk__call_query_str(&k, "name", name)) ||
	    (rc = dk__call_stream_body(&k, dk__tarctx_read, t, "application/x-tar"))) {
		k.body_read_ud = t;
		return dk__call_abort(&k, rc);
	}
	return dk__call_void(&k);
}

int dk_plugin_push(dk_stream **out, dk_client *c, const char *name, const char *auth_json)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "PluginPush: out is NULL");
	*out = NULL;
	rc = dk__call_begin(&k, c, "POST", "PluginPush", 1, "/plugins/{}/push", name);
	if (rc)
		return rc;
	if ((rc = auth_header(&k, auth_json ? auth_json : "{}")))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_plugin_set(dk_client *c, const char *name, const char *settings_json)
{
	dk_call k;
	int rc;

	if ((rc = need("PluginSet", "the settings", settings_json)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "PluginSet", 1, "/plugins/{}/set", name);
	if (rc)
		return rc;
	dk__call_json_body(&k, settings_json, strlen(settings_json), 0);
	return dk__call_void(&k);
}
