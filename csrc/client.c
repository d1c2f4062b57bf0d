/* The client: configuration, the easy-handle pool, version negotiation. */
#include "client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

#include "clibdocker/context.h"
#include "clibdocker/errors.h"
#include "clibdocker/value.h"
#include "errors_int.h"
#include "ssh_int.h"

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static CURLcode g_curl_init_rc = CURLE_OK;

static void curl_init_once(void)
{
	g_curl_init_rc = curl_global_init(CURL_GLOBAL_ALL);
}

const char *dk_version(void)
{
	return DK_VERSION;
}

int64_t dk__now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "1.41" / "v1.41" -> 1041; -1 if malformed. */
static int parse_version(const char *s)
{
	unsigned major = 0, minor = 0;
	int n = 0;

	if (!s)
		return -1;
	if (*s == 'v' || *s == 'V')
		s++;
	if (sscanf(s, "%3u.%3u%n", &major, &minor, &n) != 2 || s[n] != '\0' || major > 9)
		return -1;
	return (int)(major * 1000 + minor);
}

static char *dupstr(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int set_url(dk_client *c, const char *url)
{
	const char *rest;
	dkbuf b = DKBUF_INIT;

	if (!url || !*url)
		url = "unix:///var/run/docker.sock";
	if (strpbrk(url, " \t\r\n"))
		return dk__err(DK_EINVAL, 0, 0, "invalid Docker host URL '%s': contains white space", url);
	if (!strncmp(url, "unix://", 7)) {
		rest = url + 7;
		if (!*rest)
			return dk__err(DK_EINVAL, 0, 0, "invalid Docker host URL '%s': no socket path", url);
		if (*rest != '/' && dkbuf_putc(&b, '/'))
			goto nomem;
		if (dkbuf_puts(&b, rest))
			goto nomem;
		c->unix_path = dkbuf_detach(&b, NULL);
		c->base = dupstr("http://localhost", 16);
		if (dkbuf_puts(&b, "unix://") || dkbuf_puts(&b, c->unix_path))
			goto nomem;
		c->url = dkbuf_detach(&b, NULL);
	} else if (!strncmp(url, "tcp://", 6) || !strncmp(url, "http://", 7) ||
		   !strstr(url, "://")) {
		rest = !strncmp(url, "tcp://", 6) ? url + 6 :
		       !strncmp(url, "http://", 7) ? url + 7 : url;
		while (*rest == '/')
			rest++;
		if (!*rest)
			return dk__err(DK_EINVAL, 0, 0, "invalid Docker host URL '%s': no host", url);
		/* "tcp://:2375": no host is the local one (as the docker CLI and docker-py read it) */
		if (dkbuf_puts(&b, "http://") || (*rest == ':' && dkbuf_puts(&b, "127.0.0.1")) ||
		    dkbuf_puts(&b, rest))
			goto nomem;
		while (b.len > 7 && b.ptr[b.len - 1] == '/')
			b.ptr[--b.len] = '\0';
		c->base = dkbuf_detach(&b, NULL);
		if (dkbuf_puts(&b, "tcp://") || dkbuf_puts(&b, c->base + 7))
			goto nomem;
		c->url = dkbuf_detach(&b, NULL);
	} else if (!strncmp(url, "https://", 8)) {
		rest = url + 8;
		while (*rest == '/')
			rest++;
		if (!*rest)
			return dk__err(DK_EINVAL, 0, 0, "invalid Docker host URL '%s': no host", url);
		if (dkbuf_puts(&b, "https://") || (*rest == ':' && dkbuf_puts(&b, "127.0.0.1")) ||
		    dkbuf_puts(&b, rest))
			goto nomem;
		while (b.len > 8 && b.ptr[b.len - 1] == '/')
			b.ptr[--b.len] = '\0';
		c->base = dkbuf_detach(&b, NULL);
		if (dkbuf_puts(&b, "tcp://") || dkbuf_puts(&b, c->base + 8))
			goto nomem;
		c->url = dkbuf_detach(&b, NULL);
		c->tls = 1;
		c->tls_verify = 1;
	} else if (!strncmp(url, "ssh://", 6)) {
		int rc = dk__ssh_new(&c->ssh, &c->url, url); /* HTTP over `ssh host docker system dial-stdio` */

		if (rc)
			return rc;
		c->base = dupstr("http://localhost", 16);
	} else {
		return dk__err(DK_EINVAL, 0, 0, "invalid Docker host URL '%s': unknown scheme", url);
	}
	if (!c->base || !c->url)
		goto nomem;
	return 0;
nomem:
	dkbuf_dispose(&b);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

/* Forks. A child inherits its parent's pooled connections: the same sockets,
 * which both would then use (answers read by the wrong process, a TLS stream
 * broken). The child's first acquire finds the fork counter moved and drops
 * the inherited handles without touching their connections where closing
 * would write to the socket (TLS says close_notify and reads; ssh ends its
 * processes): those are left, a bounded leak in the child. Plain sockets are
 * closed (closing the child's descriptor does not end the parent's). */
static volatile unsigned dk__forks;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void on_fork_child(void)
{
	dk__forks++;
}

static void fork_register(void)
{
	pthread_atfork(NULL, NULL, on_fork_child);
}

static void fork_watch(void)
{
	pthread_once(&fork_once, fork_register);
}

/* Called with c->lock held: the handles to drop when c is in a forked child
 * (moved to out[], count returned), else 0. */
static int take_inherited(dk_client *c, CURL **out)
{
	int i, n;

	if (c->pool_forks == dk__forks)
		return 0;
	n = c->npool;
	for (i = 0; i < n; i++)
		out[i] = c->pool[i];
	c->npool = 0;
	c->pool_forks = dk__forks;
	return n;
}

static void drop_inherited(dk_client *c, CURL **h, int n)
{
	int i;

	if (c->tls || c->ssh)
		return; /* see above: left as they are */
	for (i = 0; i < n; i++)
		curl_easy_cleanup(h[i]);
}

int dk_client_new(dk_client **out, const char *url)
{
	dk_client *c;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_client_new: out is NULL");
	*out = NULL;
	pthread_once(&g_curl_once, curl_init_once);
	if (g_curl_init_rc != CURLE_OK)
		return dk__err(DK_ERROR, 0, (int)g_curl_init_rc, "curl_global_init failed");
	fork_watch();
	c = calloc(1, sizeof(*c));
	if (!c)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	c->pool_forks = c->born_forks = dk__forks;
	c->connect_ms = 30000;
	c->total_ms = 60000;
	c->idle_ms = 0;
	c->trace_cap = 4096;
	rc = set_url(c, url);
	if (rc) {
		dk_client_free(c);
		return rc;
	}
	rc = dk__hdrset_new(&c->hdrs, NULL);
	if (rc) {
		dk_client_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int dk_client_new_from_env(dk_client **out)
{
	const char *ctx = getenv("DOCKER_CONTEXT");

	/* the docker CLI's order: DOCKER_CONTEXT, then DOCKER_HOST, then the
	 * config's currentContext (dk_client_new_from_context() decides) */
	if (!getenv("DOCKER_HOST") || (ctx && *ctx)) {
		dk_value *v = NULL;
		int rc = dk_context_resolve(&v, NULL, NULL);
		int named = rc == 0 && dk_value_get_string(v, "/Host") != NULL;

		dk_value_free(v);
		if (rc)
			return rc;
		if (named)
			return dk_client_new_from_context(out, NULL, NULL);
	}
	return dk__client_new_from_host_env(out);
}

int dk__client_new_from_host_env(dk_client **out)
{
	const char *host = getenv("DOCKER_HOST");
	const char *ver = getenv("DOCKER_API_VERSION");
	const char *tls_verify = getenv("DOCKER_TLS_VERIFY");
	const char *cert_path = getenv("DOCKER_CERT_PATH");
	int rc = dk_client_new(out, host && *host ? host : NULL);

	if (rc == 0 && !(*out)->unix_path && !(*out)->ssh &&
	    ((tls_verify && *tls_verify) || (cert_path && *cert_path))) {
		dkbuf dir = DKBUF_INIT, ca = DKBUF_INIT, cert = DKBUF_INIT, key = DKBUF_INIT;
		dk_tls_options o = DK_TLS_OPTIONS_INIT;
		const char *home = getenv("HOME");

		if (cert_path && *cert_path)
			rc = dkbuf_puts(&dir, cert_path);
		else
			rc = dkbuf_printf(&dir, "%s/.docker", home ? home : "");
		if (!rc && !(rc = dkbuf_printf(&ca, "%s/ca.pem", dir.ptr)) &&
		    !(rc = dkbuf_printf(&cert, "%s/cert.pem", dir.ptr)) &&
		    !(rc = dkbuf_printf(&key, "%s/key.pem", dir.ptr))) {
			o.verify = tls_verify && *tls_verify ? 1 : 0;
			o.ca_cert = access(ca.ptr, R_OK) == 0 ? ca.ptr : NULL;
			o.client_cert = access(cert.ptr, R_OK) == 0 ? cert.ptr : NULL;
			o.client_key = o.client_cert && access(key.ptr, R_OK) == 0 ? key.ptr : NULL;
			rc = dk_client_set_tls(*out, &o);
		} else {
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		}
		dkbuf_dispose(&dir);
		dkbuf_dispose(&ca);
		dkbuf_dispose(&cert);
		dkbuf_dispose(&key);
		if (rc) {
			dk_client_free(*out);
			*out = NULL;
			return rc;
		}
	}
	if (rc == 0 && ver && *ver) {
		rc = dk_client_set_api_version(*out, ver);
		if (rc) {
			dk_client_free(*out);
			*out = NULL;
		}
	}
	return rc;
}

void dk_client_free(dk_client *c)
{
	CURL *inherited[DK_POOL_MAX];
	int i, n;

	if (!c)
		return;
	n = take_inherited(c, inherited);
	drop_inherited(c, inherited, n);
	/* ends its children, the parent's too in a forked child: left there */
	if (c->born_forks == dk__forks)
		dk__ssh_free(c->ssh); /* the pool's sockets close below */
	for (i = 0; i < c->npool; i++)
		curl_easy_cleanup(c->pool[i]);
	dk__hdrset_release(c->hdrs);
	pthread_mutex_destroy(&c->lock);
	free(c->url);
	free(c->base);
	free(c->unix_path);
	free(c->tls_ca);
	free(c->tls_cert);
	free(c->tls_key);
	free(c);
}

void dk_client_close_idle(dk_client *c)
{
	CURL *idle[DK_POOL_MAX], *inherited[DK_POOL_MAX];
	int i, n, ninherited;

	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	ninherited = take_inherited(c, inherited); /* then the pool is empty */
	n = c->npool;
	for (i = 0; i < n; i++)
		idle[i] = c->pool[i];
	c->npool = 0;
	pthread_mutex_unlock(&c->lock);
	drop_inherited(c, inherited, ninherited);
	for (i = 0; i < n; i++)
		curl_easy_cleanup(idle[i]);
}

const char *dk_client_url(const dk_client *c)
{
	return c ? c->url : NULL;
}

int dk_client_set_api_version(dk_client *c, const char *version)
{
	int num;

	if (!c)
		return dk__err(DK_EINVAL, 0, 0, "client is NULL");
	pthread_mutex_lock(&c->lock);
	if (!version || !*version || !strcmp(version, "auto")) {
		c->version_set = 0;
		c->version[0] = '\0';
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	num = parse_version(version);
	if (num < 0) {
		pthread_mutex_unlock(&c->lock);
		return dk__err(DK_EINVAL, 0, 0, "invalid API version '%s' (expected like \"1.41\")", version);
	}
	if (num < parse_version(DK_API_VERSION_MIN) || num > parse_version(DK_API_VERSION_MAX)) {
		pthread_mutex_unlock(&c->lock);
		return dk__err(DK_EVERSION, 0, 0,
			"API version %s is outside the range this client speaks (%s to %s)",
			version, DK_API_VERSION_MIN, DK_API_VERSION_MAX);
	}
	snprintf(c->version, sizeof(c->version), "%d.%d", num / 1000, num % 1000);
	c->version_num = num;
	c->version_set = 1;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int dk_client_set_timeouts(dk_client *c, long connect_ms, long total_ms, long stream_idle_ms)
{
	if (!c || connect_ms < 0 || total_ms < 0 || stream_idle_ms < 0)
		return dk__err(DK_EINVAL, 0, 0, "timeouts must be >= 0 milliseconds");
	c->connect_ms = connect_ms;
	c->total_ms = total_ms;
	c->idle_ms = stream_idle_ms;
	return 0;
}

void dk_tls_options_init(dk_tls_options *o)
{
	dk_tls_options d = DK_TLS_OPTIONS_INIT;

	if (o)
		*o = d;
}

static int dup_path(char **dst, const char *src, const char *what)
{
	free(*dst);
	*dst = NULL;
	if (!src)
		return 0;
	if (access(src, R_OK) != 0)
		return dk__err(DK_EINVAL, 0, 0, "TLS %s '%s' cannot be read: %s", what, src, strerror(errno));
	*dst = strdup(src);
	return *dst ? 0 : dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

/* The CA bundle to verify a daemon's certificate with when none is given:
 * $SSL_CERT_FILE, else libcurl's built-in default if this system has it,
 * else the first bundle of the usual distribution layouts that exists (the
 * wheel's libcurl is built with Debian's path; Fedora, openSUSE and Alpine
 * keep theirs elsewhere). NULL: leave libcurl's default. */
static const char *system_ca_bundle(void)
{
	static const char *const known[] = {
		"/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Arch */
		"/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL */
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL */
		"/etc/ssl/ca-bundle.pem",                            /* openSUSE */
		"/etc/ssl/cert.pem",                                 /* Alpine, macOS */
	};
	const char *env = getenv("SSL_CERT_FILE");
	const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
	size_t i;

	if (env && *env && access(env, R_OK) == 0)
		return env;
	if (info->cainfo && access(info->cainfo, R_OK) == 0)
		return NULL;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (access(known[i], R_OK) == 0)
			return known[i];
	return NULL;
}

int dk_client_set_tls(dk_client *c, const dk_tls_options *tls)
{
	char *base;
	int rc;

	if (!c)
		return dk__err(DK_EINVAL, 0, 0, "client is NULL");
	if (c->unix_path || c->ssh)
		return dk__err(DK_EINVAL, 0, 0, "TLS applies to tcp:// hosts, not to %s", c->url);
	if (tls && tls->version != DK_TLS_OPTIONS_VERSION)
		return dk__err(DK_EINVAL, 0, 0, "dk_tls_options: unknown version %u", tls->version);
	if (tls && tls->client_key && !tls->client_cert)
		return dk__err(DK_EINVAL, 0, 0, "TLS: a client key needs a client certificate");
	if (!(curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_SSL))
		return dk__err(DK_EUNSUPPORTED, 0, 0, "this libcurl has no TLS support");
	if ((rc = dup_path(&c->tls_ca, tls ? (tls->ca_cert ? tls->ca_cert
	                                         : tls->verify ? system_ca_bundle() : NULL) : NULL,
	                   "CA certificate")) ||
	    (rc = dup_path(&c->tls_cert, tls ? tls->client_cert : NULL, "client certificate")) ||
	    (rc = dup_path(&c->tls_key, tls ? tls->client_key : NULL, "client key")))
		return rc;
	c->tls_verify = tls ? (tls->verify ? 1 : 0) : 0;
	if (!!tls != c->tls) {
		/* switch the scheme of the base URL: http://h:p <-> https://h:p */
		const char *hostport = c->base + (c->tls ? 8 : 7);
		size_t n = strlen(hostport);
		base = malloc(n + 9);
		if (!base)
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
		memcpy(base, tls ? "https://" : "http://", tls ? 8 : 7);
		memcpy(base + (tls ? 8 : 7), hostport, n + 1);
		free(c->base);
		c->base = base;
		c->tls = tls ? 1 : 0;
	}
	return 0;
}

int dk_client_set_trace(dk_client *c, dk_trace_fn fn, void *userdata, size_t body_cap)
{
	if (!c)
		return dk__err(DK_EINVAL, 0, 0, "client is NULL");
	pthread_mutex_lock(&c->lock);
	c->trace = fn;
	c->trace_ud = fn ? userdata : NULL;
	c->trace_cap = body_cap ? body_cap : 4096;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

CURL *dk__client_acquire(dk_client *c)
{
	CURL *h = NULL, *inherited[DK_POOL_MAX];
	int ninherited;

	pthread_mutex_lock(&c->lock);
	ninherited = take_inherited(c, inherited);
	if (c->npool > 0)
		h = c->pool[--c->npool];
	pthread_mutex_unlock(&c->lock);
	drop_inherited(c, inherited, ninherited);
	if (h)
		return h;
	h = curl_easy_init();
	if (!h)
		return NULL;
	dk__client_setup_easy(c, h);
	return h;
}

void dk__client_setup_easy(dk_client *c, CURL *h)
{
	if (c->unix_path)
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->unix_path);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "clibdocker/" DK_VERSION);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (c->tls) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
		if (c->tls_ca)
			curl_easy_setopt(h, CURLOPT_CAINFO, c->tls_ca);
		if (c->tls_cert) {
			curl_easy_setopt(h, CURLOPT_SSLCERT, c->tls_cert);
			curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
		}
		if (c->tls_key) {
			curl_easy_setopt(h, CURLOPT_SSLKEY, c->tls_key);
			curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
		}
	}
	if (c->ssh)
		dk__ssh_setup_easy(c, h);
}

void dk__client_release(dk_client *c, CURL *h)
{
	CURL *inherited[DK_POOL_MAX];
	int ninherited;

	if (!h)
		return;
	pthread_mutex_lock(&c->lock);
	ninherited = take_inherited(c, inherited);
	if (c->npool < DK_POOL_MAX) {
		c->pool[c->npool++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	drop_inherited(c, inherited, ninherited);
	if (h)
		curl_easy_cleanup(h);
}

/* The Api-Version header of a /_ping answer as a version number (copied into
 * text[16]), or -1 when it is missing or malformed. */
static int version_from_headers(const dkbuf *headers, char text[16])
{
	size_t n = 0;
	const char *hv = dk__find_header(headers, "Api-Version", &n);

	text[0] = '\0';
	if (!hv || n >= 16)
		return -1;
	memcpy(text, hv, n);
	text[n] = '\0';
	return parse_version(text);
}

/* Record a negotiated version (the engine's, capped at the newest this client
 * speaks) unless one is already set. Returns the version in use. */
static int settle_version(dk_client *c, int num)
{
	int max = parse_version(DK_API_VERSION_MAX);

	if (num > max)
		num = max;
	pthread_mutex_lock(&c->lock);
	if (!c->version_set) {
		snprintf(c->version, sizeof(c->version), "%d.%d", num / 1000, num % 1000);
		c->version_num = num;
		c->version_set = 1;
	}
	num = c->version_num;
	pthread_mutex_unlock(&c->lock);
	return num;
}

int dk__client_version_known(dk_client *c)
{
	int known;

	pthread_mutex_lock(&c->lock);
	known = c->version_set;
	pthread_mutex_unlock(&c->lock);
	return known;
}

void dk__client_learn_version(dk_client *c, const dkbuf *ping_headers)
{
	char text[16];
	int num = version_from_headers(ping_headers, text);

	/* an unusable version is left for the next versioned call to report */
	if (num >= parse_version(DK_API_VERSION_MIN))
		settle_version(c, num);
}

/* GET /_ping (unversioned) and read Api-Version. Called with no lock held. */
static int negotiate(dk_client *c, int *num_out)
{
	dk_call k;
	int rc;

	rc = dk__call_begin(&k, c, "GET", "SystemPing", 0, "/_ping");
	if (rc)
		return rc;
	k.want_headers = 1;
	k.negotiation = 1;
	rc = dk__call_perform(&k);
	if (rc == 0) {
		char text[16];
		int num = version_from_headers(&k.resp_headers, text);

		if (num < 0)
			rc = dk__err(DK_EVERSION, 0, 0,
				"the engine did not report a usable Api-Version in /_ping");
		else if (num < parse_version(DK_API_VERSION_MIN))
			rc = dk__err(DK_EVERSION, 0, 0,
				"the engine speaks API %s, older than the oldest this client supports (%s)",
				text, DK_API_VERSION_MIN);
		else
			*num_out = num;
	}
	return dk__call_finish(&k, rc);
}

int dk__client_version_num(dk_client *c)
{
	int num, rc;

	pthread_mutex_lock(&c->lock);
	if (c->version_set) {
		num = c->version_num;
		pthread_mutex_unlock(&c->lock);
		return num;
	}
	pthread_mutex_unlock(&c->lock);
	/* Concurrent first calls may both negotiate; the answers agree. */
	rc = negotiate(c, &num);
	if (rc)
		return rc;
	return settle_version(c, num);
}

int dk_client_api_version(const char **out, dk_client *c)
{
	int rc;

	if (!out || !c)
		return dk__err(DK_EINVAL, 0, 0, "dk_client_api_version: NULL argument");
	rc = dk__client_version_num(c);
	if (rc < 0)
		return rc;
	*out = c->version;
	return 0;
}
