/* The thread-local last error. */
#include "errors_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char tl_msg[DK_ERRMSG_MAX];
static _Thread_local char tl_url[DK_ERRURL_MAX];
static _Thread_local char tl_method[DK_ERRMETHOD_MAX];
static _Thread_local dk_error tl_err = {0, 0, 0, NULL, NULL, NULL};

const dk_error *dk_error_last(void)
{
	if (!tl_err.message)
		tl_err.message = tl_msg;
	if (!tl_err.url)
		tl_err.url = tl_url;
	if (!tl_err.method)
		tl_err.method = tl_method;
	return &tl_err;
}

void dk__err_save(dk__err_saved *s)
{
	const dk_error *e = dk_error_last();
	s->code = e->code;
	s->http_status = e->http_status;
	s->curl_code = e->curl_code;
	snprintf(s->message, sizeof(s->message), "%s", e->message);
	snprintf(s->url, sizeof(s->url), "%s", e->url);
	snprintf(s->method, sizeof(s->method), "%s", e->method);
}

void dk__err_restore(const dk__err_saved *s)
{
	dk__err_msg(s->code, s->http_status, s->curl_code, s->message, strlen(s->message));
	dk__err_set_url(s->method, s->url, strlen(s->url));
}

void dk__err_set_url(const char *method, const char *url, size_t len)
{
	if (len >= sizeof(tl_url))
		len = sizeof(tl_url) - 1;
	memcpy(tl_url, url, len);
	tl_url[len] = '\0';
	tl_err.url = tl_url;
	snprintf(tl_method, sizeof(tl_method), "%s", method ? method : "");
	tl_err.method = tl_method;
}

void dk_error_clear(void)
{
	tl_err.code = 0;
	tl_err.http_status = 0;
	tl_err.curl_code = 0;
	tl_msg[0] = '\0';
	tl_err.message = tl_msg;
	tl_url[0] = '\0';
	tl_err.url = tl_url;
	tl_method[0] = '\0';
	tl_err.method = tl_method;
}

int dk__err(int code, int http_status, int curl_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tl_msg, sizeof(tl_msg), fmt, ap);
	va_end(ap);
	tl_err.code = code;
	tl_err.http_status = http_status;
	tl_err.curl_code = curl_code;
	tl_err.message = tl_msg;
	tl_url[0] = '\0';
	tl_err.url = tl_url;
	tl_method[0] = '\0';
	tl_err.method = tl_method;
	return code;
}

int dk__err_msg(int code, int http_status, int curl_code, const char *msg, size_t len)
{
	if (len >= sizeof(tl_msg))
		len = sizeof(tl_msg) - 1;
	memcpy(tl_msg, msg, len);
	tl_msg[len] = '\0';
	tl_err.code = code;
	tl_err.http_status = http_status;
	tl_err.curl_code = curl_code;
	tl_err.message = tl_msg;
	tl_url[0] = '\0';
	tl_err.url = tl_url;
	tl_method[0] = '\0';
	tl_err.method = tl_method;
	return code;
}

const char *dk_error_name(int code)
{
	switch (code) {
	case DK_OK: return "DK_OK";
	case DK_ERROR: return "DK_ERROR";
	case DK_EINVAL: return "DK_EINVAL";
	case DK_ENOMEM: return "DK_ENOMEM";
	case DK_ECONNECT: return "DK_ECONNECT";
	case DK_ETRANSPORT: return "DK_ETRANSPORT";
	case DK_ETIMEOUT: return "DK_ETIMEOUT";
	case DK_EPROTO: return "DK_EPROTO";
	case DK_EAPI: return "DK_EAPI";
	case DK_ENOTFOUND: return "DK_ENOTFOUND";
	case DK_ECONFLICT: return "DK_ECONFLICT";
	case DK_EAUTH: return "DK_EAUTH";
	case DK_EVERSION: return "DK_EVERSION";
	case DK_ECANCELED: return "DK_ECANCELED";
	case DK_ESTREAM: return "DK_ESTREAM";
	case DK_EUSER: return "DK_EUSER";
	case DK_EUNSUPPORTED: return "DK_EUNSUPPORTED";
	default: return "DK_E?";
	}
}
