/* Registry credentials like the docker CLI: config.json auths, credsStore,
 * credHelpers and the docker-credential-* protocol (see auth.h). */
#define _GNU_SOURCE
#include "clibdocker/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "clibdocker/value.h"
#include "auth_int.h"
#include "errors_int.h"
#include "value_int.h"

extern char **environ;

#define DK_HUB_KEY "https://index.docker.io/v1/"
#define DK_HELPER_MAX ((size_t)1 << 20)

int dk__b64url(dkbuf *out, const char *data, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *p = (const unsigned char *)data;
	size_t i;
	char q[4];

	for (i = 0; i + 2 < len; i += 3) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = tab[p[i + 2] & 63];
		if (dkbuf_put(out, q, 4))
			return DK_ENOMEM;
	}
	if (len - i == 1) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4];
		q[2] = q[3] = '=';
		if (dkbuf_put(out, q, 4))
			return DK_ENOMEM;
	} else if (len - i == 2) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = tab[(p[i + 1] & 15) << 2];
		q[3] = '=';
		if (dkbuf_put(out, q, 4))
			return DK_ENOMEM;
	}
	if (!out->ptr && dkbuf_grow(out, 1))
		return DK_ENOMEM;
	return 0;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

int dk__b64decode(dkbuf *out, const char *data, size_t len)
{
	unsigned acc = 0;
	int bits = 0, v;
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == '=' || data[i] == '\n' || data[i] == '\r')
			continue;
		v = b64val((unsigned char)data[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (dkbuf_putc(out, (char)((acc >> bits) & 0xff)))
				return -1;
		}
	}
	if (!out->ptr && dkbuf_grow(out, 1))
		return -1;
	return 0;
}

/* --- registry names ---------------------------------------------------- */

static int is_hub(const char *host)
{
	return !strcmp(host, "docker.io") || !strcmp(host, "index.docker.io") ||
	       !strcmp(host, "registry-1.docker.io") || !strcmp(host, DK_HUB_KEY);
}

/* The registry host of a reference or address, into out (a string). */
static int registry_of(dkbuf *out, const char *ref)
{
	const char *p = ref, *slash;
	size_t n;

	dkbuf_clear(out);
	if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
		p = strstr(p, "://") + 3;
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
	} else {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (slash) {
			/* a domain only if it looks like one, as in the reference grammar */
			if (!(memchr(p, '.', n) || memchr(p, ':', n) ||
			      (n == 9 && !strncmp(p, "localhost", 9))))
				n = 0;
		} else if (!(memchr(p, '.', n) || !strncmp(p, "localhost", 9))) {
			n = 0;
		}
	}
	if (n == 0)
		return dkbuf_puts(out, DK_HUB_KEY) ? DK_ENOMEM : 0;
	if (dkbuf_put(out, p, n))
		return DK_ENOMEM;
	if (is_hub(out->ptr)) {
		dkbuf_clear(out);
		return dkbuf_puts(out, DK_HUB_KEY) ? DK_ENOMEM : 0;
	}
	return 0;
}

/* The host of a config key ("https://reg:5000/v1/" -> "reg:5000"). */
static void key_host(dkbuf *out, const char *key)
{
	const char *p = key, *e;

	dkbuf_clear(out);
	if (strstr(p, "://"))
		p = strstr(p, "://") + 3;
	e = strchr(p, '/');
	dkbuf_put(out, p, e ? (size_t)(e - p) : strlen(p));
	if (out->ptr && is_hub(out->ptr)) {
		dkbuf_clear(out);
		dkbuf_puts(out, DK_HUB_KEY);
	}
}

int dk_auth_registry_of(dk_value **out, const char *reference)
{
	dkbuf b = DKBUF_INIT;
	char *s;
	size_t len;

	if (!out || !reference || !*reference)
		return dk__err(DK_EINVAL, 0, 0, "dk_auth_registry_of: empty reference");
	*out = NULL;
	if (registry_of(&b, reference)) {
		dkbuf_dispose(&b);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	s = dkbuf_detach(&b, &len);
	*out = dk__value_take(s, len);
	return *out ? 0 : dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

/* --- config.json ------------------------------------------------------- */

int dk__auth_config_parse(json_object **cfg, const char *text, size_t len, const char *name)
{
	json_tokener *tok = json_tokener_new();
	int rc = 0;

	*cfg = NULL;
	if (len > ((size_t)16 << 20))
		return dk__err(DK_EINVAL, 0, 0, "%s: too large", name);
	*cfg = tok ? json_tokener_parse_ex(tok, text ? text : "", (int)len) : NULL;
	if (!*cfg || !json_object_is_type(*cfg, json_type_object)) {
		json_object_put(*cfg);
		*cfg = NULL;
		rc = dk__err(DK_EINVAL, 0, 0, "%s: not a JSON object", name);
	}
	if (tok)
		json_tokener_free(tok);
	return rc;
}

static int load_config(json_object **cfg, const char *config_dir)
{
	dkbuf path = DKBUF_INIT, text = DKBUF_INIT;
	const char *dir = config_dir;
	int rc = 0;

	*cfg = NULL;
	if (!dir || !*dir)
		dir = getenv("DOCKER_CONFIG");
	if (dir && *dir) {
		rc = dkbuf_printf(&path, "%s/config.json", dir);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return 0;
		rc = dkbuf_printf(&path, "%s/.docker/config.json", home);
	}
	if (rc)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	rc = dkbuf_read_file(&text, path.ptr, (size_t)16 << 20);
	if (rc == 0)
		rc = dk__auth_config_parse(cfg, text.ptr, text.len, path.ptr);
	else if (rc == 1)
		rc = 0; /* no config file: no credentials */
	dkbuf_dispose(&path);
	dkbuf_dispose(&text);
	return rc;
}

static const char *obj_str(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* --- credential helpers ------------------------------------------------- */

/* Run docker-credential-<helper> <verb> with `input` on stdin; its stdout
 * into out. Returns 0, 1 for "credentials not found", or <0. */
int (*dk__auth_helper_hook)(dkbuf *out, const char *helper, const char *verb,
	const char *input);

/* The environment of a helper process: ours, with the entries of `extra`
 * ("NAME=value", NULL-terminated) added or replacing ours. The array is
 * malloc'd; its strings are borrowed. NULL when out of memory. */
static char **helper_environ(const char *const *extra)
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **env;

	for (i = 0; environ && environ[i]; i++)
		n++;
	for (i = 0; extra && extra[i]; i++)
		m++;
	env = calloc(n + m + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t nl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		int replaced = 0;
		for (j = 0; j < m && !replaced; j++)
			replaced = !strncmp(extra[j], environ[i], nl) && extra[j][nl] == '=';
		if (!replaced)
			env[k++] = environ[i];
	}
	for (j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

static int run_helper(dkbuf *out, const char *helper, const char *verb, const char *input,
	const char *const *extra_env)
{
	char **env = NULL;
	char prog[256];
	char *argv[3];
	int in[2] = {-1, -1}, outp[2] = {-1, -1}, st = 0, rc = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	size_t off = 0, ilen = strlen(input);
	char buf[4096];
	ssize_t r;

	if (!*helper || strchr(helper, '/') || strlen(helper) > 200)
		return dk__err(DK_EINVAL, 0, 0, "bad credential helper name '%s'", helper);
	if (dk__auth_helper_hook)
		return dk__auth_helper_hook(out, helper, verb, input);
	snprintf(prog, sizeof(prog), "docker-credential-%s", helper);
	if (extra_env && *extra_env && !(env = helper_environ(extra_env)))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) || pipe2(outp, O_CLOEXEC)) {
		rc = dk__err(DK_ERROR, 0, 0, "%s: %s", prog, strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[1], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	argv[0] = prog;
	argv[1] = (char *)verb;
	argv[2] = NULL;
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, env ? env : environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[1]);
	in[1] = -1;
	close(outp[1]);
	outp[1] = -1;
	if (rc) {
		rc = dk__err(DK_EAUTH, 0, 0, "credential helper %s: cannot run it: %s", prog, strerror(rc));
		goto out;
	}
	while (off < ilen) {
		r = send(in[0], input + off, ilen - off, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	shutdown(in[0], SHUT_WR);
	for (;;) {
		r = read(outp[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out->len + (size_t)r <= DK_HELPER_MAX && dkbuf_put(out, buf, (size_t)r)) {
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
			break;
		}
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc)
		goto out;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (out->ptr && strstr(out->ptr, "credentials not found")) {
			rc = 1;
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
			rc = dk__err(DK_EAUTH, 0, 0, "credential helper %s: not found on PATH", prog);
		} else {
			/* the helper's own message; helpers do not print secrets on failure */
			char msg[512];
			size_t n = out->len < sizeof(msg) - 1 ? out->len : sizeof(msg) - 1;
			memcpy(msg, out->ptr ? out->ptr : "", n);
			msg[n] = '\0';
			while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
				msg[--n] = '\0';
			rc = dk__err(DK_EAUTH, 0, 0, "credential helper %s %s failed: %s", prog, verb,
				n ? msg : "(no message)");
		}
	}
out:
	free(env);
	if (in[0] >= 0) close(in[0]);
	if (in[1] >= 0) close(in[1]);
	if (outp[0] >= 0) close(outp[0]);
	if (outp[1] >= 0) close(outp[1]);
	return rc;
}

/* AuthConfig from a helper's `get` for server. *res NULL when not found. */
static int helper_get(json_object **res, const char *helper, const char *server,
	const char *const *env)
{
	dkbuf o = DKBUF_INIT;
	json_object *j = NULL, *a;
	const char *user, *secret;
	int rc;

	*res = NULL;
	rc = run_helper(&o, helper, "get", server, env);
	if (rc) {
		dkbuf_dispose(&o);
		return rc == 1 ? 0 : rc;
	}
	j = o.ptr ? json_tokener_parse(o.ptr) : NULL;
	dkbuf_dispose(&o);
	user = obj_str(j, "Username");
	secret = obj_str(j, "Secret");
	if (!j || !secret) {
		json_object_put(j);
		return dk__err(DK_EAUTH, 0, 0,
			"credential helper docker-credential-%s: malformed answer for %s", helper, server);
	}
	a = json_object_new_object();
	if (user && !strcmp(user, "<token>")) {
		json_object_object_add(a, "identitytoken", json_object_new_string(secret));
	} else {
		json_object_object_add(a, "username", json_object_new_string(user ? user : ""));
		json_object_object_add(a, "password", json_object_new_string(secret));
	}
	json_object_object_add(a, "serveraddress", json_object_new_string(server));
	json_object_put(j);
	*res = a;
	return 0;
}

/* AuthConfig from an `auths` entry. */
static int from_auths_entry(json_object **res, json_object *entry, const char *server)
{
	const char *b64 = obj_str(entry, "auth"), *tok = obj_str(entry, "identitytoken");
	json_object *a;
	dkbuf d = DKBUF_INIT;
	char *colon;

	*res = NULL;
	if ((!b64 || !*b64) && (!tok || !*tok))
		return 0;
	a = json_object_new_object();
	if (b64 && *b64) {
		if (dk__b64decode(&d, b64, strlen(b64)) || !(colon = strchr(d.ptr, ':'))) {
			if (d.ptr)
				memset(d.ptr, 0, d.len);
			dkbuf_dispose(&d);
			json_object_put(a);
			return dk__err(DK_EINVAL, 0, 0, "config.json: the `auth` for %s is malformed", server);
		}
		*colon = '\0';
		json_object_object_add(a, "username", json_object_new_string(d.ptr));
		json_object_object_add(a, "password", json_object_new_string(colon + 1));
		memset(d.ptr, 0, d.len);
		dkbuf_dispose(&d);
	}
	if (tok && *tok)
		json_object_object_add(a, "identitytoken", json_object_new_string(tok));
	if (obj_str(entry, "email"))
		json_object_object_add(a, "email", json_object_new_string(obj_str(entry, "email")));
	json_object_object_add(a, "serveraddress", json_object_new_string(server));
	*res = a;
	return 0;
}

static int lookup_in(json_object **res, json_object *cfg, const char *reg,
	const char *const *env)
{
	json_object *helpers, *auths, *v;
	const char *h;
	dkbuf kh = DKBUF_INIT;
	int rc;

	*res = NULL;
	if (json_object_object_get_ex(cfg, "credHelpers", &helpers) &&
	    json_object_is_type(helpers, json_type_object)) {
		json_object_object_foreach(helpers, key, val) {
			key_host(&kh, key);
			if (kh.ptr && !strcmp(kh.ptr, reg) && json_object_is_type(val, json_type_string)) {
				dkbuf_dispose(&kh);
				return helper_get(res, json_object_get_string(val), reg, env);
			}
		}
	}
	if ((h = obj_str(cfg, "credsStore")) && *h) {
		rc = helper_get(res, h, reg, env);
		if (rc || *res) {
			dkbuf_dispose(&kh);
			return rc;
		}
	}
	if (json_object_object_get_ex(cfg, "auths", &auths) &&
	    json_object_is_type(auths, json_type_object)) {
		/* an exact key first, then any key naming the same host */
		if (json_object_object_get_ex(auths, reg, &v)) {
			dkbuf_dispose(&kh);
			return from_auths_entry(res, v, reg);
		}
		json_object_object_foreach(auths, key, val) {
			key_host(&kh, key);
			if (kh.ptr && !strcmp(kh.ptr, reg)) {
				dkbuf_dispose(&kh);
				return from_auths_entry(res, val, reg);
			}
		}
	}
	dkbuf_dispose(&kh);
	return 0;
}

static int take_json(dk_value **out, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	char *copy = s ? strdup(s) : NULL;

	*out = copy ? dk__value_take(copy, strlen(copy)) : NULL;
	return *out ? 0 : dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

int dk__auth_lookup_cfg(dk_value **out, json_object *cfg, const char *reference,
	const char *const *env)
{
	json_object *res = NULL;
	dkbuf reg = DKBUF_INIT;
	int rc = 0;

	*out = NULL;
	if (registry_of(&reg, reference))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	if (cfg)
		rc = lookup_in(&res, cfg, reg.ptr, env);
	if (!rc && res)
		rc = take_json(out, res);
	json_object_put(res);
	dkbuf_dispose(&reg);
	return rc;
}

int dk_auth_lookup(dk_value **out, const char *config_dir, const char *reference)
{
	return dk_auth_lookup_env(out, config_dir, reference, NULL);
}

int dk_auth_lookup_env(dk_value **out, const char *config_dir, const char *reference,
	const char *const *helper_env)
{
	json_object *cfg = NULL;
	int rc;

	if (!out || !reference || !*reference)
		return dk__err(DK_EINVAL, 0, 0, "dk_auth_lookup: empty reference");
	*out = NULL;
	rc = load_config(&cfg, config_dir);
	if (!rc)
		rc = dk__auth_lookup_cfg(out, cfg, reference, helper_env);
	json_object_put(cfg);
	return rc;
}

int dk__auth_lookup_all_cfg(dk_value **out, json_object *cfg, const char *const *env)
{
	json_object *all, *res, *sect;
	dkbuf kh = DKBUF_INIT, o = DKBUF_INIT;
	const char *store;
	int rc = 0;

	*out = NULL;
	all = json_object_new_object();
	if (cfg && json_object_object_get_ex(cfg, "auths", &sect) &&
	    json_object_is_type(sect, json_type_object)) {
		json_object_object_foreach(sect, key, val) {
			key_host(&kh, key);
			if (!kh.ptr)
				continue;
			rc = lookup_in(&res, cfg, kh.ptr, env);
			if (rc)
				goto out;
			if (!res && (rc = from_auths_entry(&res, val, kh.ptr)))
				goto out;
			if (res)
				json_object_object_add(all, kh.ptr, res);
		}
	}
	if (cfg && json_object_object_get_ex(cfg, "credHelpers", &sect) &&
	    json_object_is_type(sect, json_type_object)) {
		json_object_object_foreach(sect, key2, val2) {
			(void)val2;
			key_host(&kh, key2);
			if (!kh.ptr || json_object_object_get_ex(all, kh.ptr, NULL))
				continue;
			if ((rc = lookup_in(&res, cfg, kh.ptr, env)))
				goto out;
			if (res)
				json_object_object_add(all, kh.ptr, res);
		}
	}
	if (cfg && (store = obj_str(cfg, "credsStore")) && *store) {
		json_object *list;
		rc = run_helper(&o, store, "list", "", env);
		if (rc < 0)
			goto out;
		rc = 0;
		list = o.ptr ? json_tokener_parse(o.ptr) : NULL;
		if (list && json_object_is_type(list, json_type_object)) {
			json_object_object_foreach(list, key3, val3) {
				(void)val3;
				key_host(&kh, key3);
				if (!kh.ptr || json_object_object_get_ex(all, kh.ptr, NULL))
					continue;
				if ((rc = helper_get(&res, store, key3, env))) {
					json_object_put(list);
					goto out;
				}
				if (res)
					json_object_object_add(all, kh.ptr, res);
			}
		}
		json_object_put(list);
	}
	rc = take_json(out, all);
out:
	json_object_put(all);
	dkbuf_dispose(&kh);
	dkbuf_dispose(&o);
	return rc;
}

int dk_auth_lookup_all(dk_value **out, const char *config_dir)
{
	return dk_auth_lookup_all_env(out, config_dir, NULL);
}

int dk_auth_lookup_all_env(dk_value **out, const char *config_dir, const char *const *helper_env)
{
	json_object *cfg = NULL;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_auth_lookup_all: out is NULL");
	*out = NULL;
	rc = load_config(&cfg, config_dir);
	if (!rc)
		rc = dk__auth_lookup_all_cfg(out, cfg, helper_env);
	json_object_put(cfg);
	return rc;
}

int dk_auth_encode(dk_value **out, const char *auth_json)
{
	dkbuf b = DKBUF_INIT;
	char *s;
	size_t len;

	if (!out || !auth_json)
		return dk__err(DK_EINVAL, 0, 0, "dk_auth_encode: NULL argument");
	*out = NULL;
	if (dk__b64url(&b, auth_json, strlen(auth_json))) {
		dkbuf_dispose(&b);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	s = dkbuf_detach(&b, &len);
	*out = dk__value_take(s, len);
	return *out ? 0 : dk__err(DK_ENOMEM, 0, 0, "out of memory");
}
