/* The call mechanism driven by an event loop: libcurl's multi interface.
 *
 * An operation runs unchanged inside dk_async_enter/leave. Its
 * dk__call_perform comes here (dk__async_tl is set): the first time, the
 * call's bookkeeping moves into a transfer (dk_xfer) added to the loop's
 * multi handle and the operation returns DK_ASYNC_PENDING; once the transfer
 * is over, the caller runs the operation again, and the same perform takes
 * the recorded answer and maps it with the blocking path's own code
 * (dk__call_outcome): the operation then parses, traces and frees exactly as
 * when blocking. Transfers are matched to performs in order (method and
 * URL), so an operation of several transfers (version negotiation, then the
 * request) replays the finished ones and starts the next. */
#include "loop_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clibdocker/errors.h"
#include "errors_int.h"

/* idle easy handles a loop keeps for its client */
#define DK_LOOP_IDLE_MAX 1024
/* connections the multi handle keeps open for reuse */
#define DK_LOOP_MAXCONNECTS 256L

_Thread_local dk_async *dk__async_tl;

enum { DK_ITEM_XFER = 1, DK_ITEM_STREAM = 2 }; /* what an easy handle's PRIVATE is */

typedef struct dk_xfer {
	int item;                  /* DK_ITEM_XFER */
	struct dk_xfer *next;
	dk_async *a;
	dk_call k;                 /* the call's bookkeeping, moved here */
	CURL *h;
	CURLcode cc;
	int done;                  /* the transfer is over */
	dk_stream *stream;         /* a stream opened by the call (held), or NULL */
	int handed_run;            /* the run the stream was last handed to (0: opening) */
	int traced;                /* a run has taken (and traced) the answer */
	int is_stream;             /* a stream's open (stream, handed_run, open_rc) */
	int open_rc;               /* the stream's open failed: its error, replayed */
	dk_error open_err;
	char *open_msg;
	char errbuf[CURL_ERROR_SIZE];
} dk_xfer;

struct dk_loop_node {
	int item;                  /* DK_ITEM_STREAM */
	dk_loop *L;                /* NULL once the loop is gone */
	dk_stream *s;
	CURL *easy;
	int done;                  /* the transfer is over (off the multi handle) */
	struct dk_loop_node *prev, *next;
};

struct dk_async {
	dk_loop *L;                /* NULL once the loop is gone */
	dk_async *prev, *next;     /* the loop's live calls */
	uint64_t token;
	dk_xfer *xfers;            /* this call's transfers, in order */
	dk_xfer *cursor;           /* the next one a run replays */
	dk_xfer *running;          /* the transfer on the loop, or NULL */
	int run;                   /* what this run did: 0, PENDING or BLOCKING */
	int nrun;                  /* runs so far */
	int final;                 /* the last run is over: its streams are its caller's */
	int blocking;              /* a run on a worker thread (dk_async_enter_blocking) */
	int canceled;
};

struct dk_loop {
	dk_client *c;
	CURLM *multi;
	dk_async *calls;
	dk_loop_node *nodes;       /* streams on the loop */
	int running;
	int *wfd, *wev;            /* socket interest changes, in order */
	size_t nw, capw;
	long timeout_ms;
	int timer_changed;
	uint64_t *done;            /* tokens of calls whose transfer is over */
	size_t ndone, capdone;
	CURL **idle;
	size_t nidle, capidle;
	int oom;                   /* a change could not be recorded */
	/* Lazy removal: libcurl drops a kept-alive connection's socket after
	 * each transfer and asks for it again with the next one; telling the
	 * caller each time costs two epoll_ctl and the loop's bookkeeping per
	 * call. So a socket stays watched while its connection is open, and
	 * its removal is reported when the connection closes (our
	 * CURLOPT_CLOSESOCKETFUNCTION) or when it turns ready while libcurl
	 * does not want it (the engine closed an idle connection). */
	int lazy;                  /* 0 for the ssh transport (its own close function) */
	unsigned char *wanted;     /* per fd: what libcurl wants (DK_LOOP_*) */
	unsigned char *reported;   /* per fd: what the caller was told */
	size_t capfd;
	/* Streams' connections in a cache bundle of their own (unix socket
	 * engines): libcurl finds a connection to reuse by walking every
	 * connection kept for the URL's host, busy ones included, and a
	 * followed stream keeps its connection busy for its lifetime; with
	 * 1,000 streams open each call walked 1,000 connections (~60 us of
	 * CPU per call, more than the call itself). A connect-to name keys
	 * the streams' connections apart: on a unix socket the socket path is
	 * what is connected to, the name is only the cache's key (and the
	 * request's Host stays the URL's). NULL: streams share the calls'. */
	struct curl_slist *stream_key;
	/* libcurl counts busy connections against CURLMOPT_MAXCONNECTS and,
	 * over it, closes the oldest idle one each time a transfer ends (after
	 * walking them all): with more streams open than the limit, every call
	 * lost its kept-alive connection. The limit is the idle connections we
	 * want plus one per stream on the loop. */
	long nstreams;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static int report(dk_loop *L, int fd, int ev)
{
	size_t cap = L->capw;

	if (grow((void **)&L->wfd, &cap, L->nw + 1, sizeof(int)) ||
	    grow((void **)&L->wev, &L->capw, L->nw + 1, sizeof(int))) {
		L->oom = 1;
		return -1;
	}
	L->wfd[L->nw] = fd;
	L->wev[L->nw] = ev;
	L->nw++;
	return 0;
}

/* Room for the per-fd state of fd. */
static int fd_room(dk_loop *L, int fd)
{
	size_t n = L->capfd ? L->capfd : 64, old = L->capfd;
	unsigned char *w, *r;

	if (fd < 0)
		return -1;
	if ((size_t)fd < L->capfd)
		return 0;
	while (n <= (size_t)fd)
		n *= 2;
	w = realloc(L->wanted, n);
	if (!w)
		return -1;
	L->wanted = w;
	r = realloc(L->reported, n);
	if (!r)
		return -1;
	L->reported = r;
	memset(w + old, 0, n - old);
	memset(r + old, 0, n - old);
	L->capfd = n;
	return 0;
}

static int sock_cb(CURL *e, curl_socket_t s, int what, void *ud, void *sockp)
{
	dk_loop *L = ud;
	int ev, fd = (int)s;

	(void)e;
	(void)sockp;
	ev = what == CURL_POLL_REMOVE ? 0 :
		(what & CURL_POLL_IN ? DK_LOOP_IN : 0) | (what & CURL_POLL_OUT ? DK_LOOP_OUT : 0);
	if (!L->lazy || fd_room(L, fd))
		return report(L, fd, ev);
	L->wanted[fd] = (unsigned char)ev;
	if (ev && ev != L->reported[fd]) {
		L->reported[fd] = (unsigned char)ev;
		return report(L, fd, ev);
	}
	return 0;
}

/* A connection's socket closes: the caller stops watching it first. */
static int close_cb(void *ud, curl_socket_t s)
{
	dk_loop *L = ud;
	int fd = (int)s;

	if (fd >= 0 && (size_t)fd < L->capfd) {
		if (L->reported[fd])
			report(L, fd, 0);
		L->reported[fd] = L->wanted[fd] = 0;
	}
	return close(fd);
}

static int timer_cb(CURLM *m, long timeout_ms, void *ud)
{
	dk_loop *L = ud;

	(void)m;
	L->timeout_ms = timeout_ms;
	L->timer_changed = 1;
	return 0;
}

int dk_loop_new(dk_loop **out, dk_client *c)
{
	dk_loop *L;

	if (!out || !c)
		return dk__err(DK_EINVAL, 0, 0, "dk_loop_new: NULL argument");
	*out = NULL;
	L = calloc(1, sizeof(*L));
	if (!L || !(L->multi = curl_multi_init())) {
		free(L);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory (curl multi handle)");
	}
	L->c = c;
	L->timeout_ms = -1;
	L->lazy = !c->ssh;
	if (c->unix_path && !c->ssh &&
	    !(L->stream_key = curl_slist_append(NULL, "::clibdocker-stream.invalid:"))) {
		curl_multi_cleanup(L->multi);
		free(L);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	curl_multi_setopt(L->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(L->multi, CURLMOPT_SOCKETDATA, L);
	curl_multi_setopt(L->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(L->multi, CURLMOPT_TIMERDATA, L);
	curl_multi_setopt(L->multi, CURLMOPT_MAXCONNECTS, DK_LOOP_MAXCONNECTS);
	*out = L;
	return 0;
}

/* An easy handle for the loop's client: an idle one, or a new one. */
static CURL *take_handle(dk_loop *L)
{
	CURL *h;

	if (L->nidle)
		return L->idle[--L->nidle];
	h = curl_easy_init();
	if (h) {
		dk__client_setup_easy(L->c, h);
		/* the multi handle would share TLS sessions between its
		 * connections and resume them; the blocking path (a session
		 * cache per pooled handle) never does across connections, and
		 * an engine behind a TLS terminator that does not set a session
		 * id context (socat with verify=1) fails resumed handshakes */
		if (L->c->tls)
			curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
		if (L->lazy) {
			curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, close_cb);
			curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, L);
		}
	}
	return h;
}

/* Keep a handle whose transfer ended normally; drop any other (a cut or
 * canceled transfer may leave it in a bad state). */
static void put_handle(dk_loop *L, dk_xfer *x, int keep)
{
	CURL *h = x->h;

	x->h = NULL;
	if (!h)
		return;
	if (keep && L && L->nidle < DK_LOOP_IDLE_MAX &&
	    !grow((void **)&L->idle, &L->capidle, L->nidle + 1, sizeof(CURL *))) {
		dk__call_reset_handle(&x->k, h);
		curl_easy_setopt(h, CURLOPT_PRIVATE, NULL);
		L->idle[L->nidle++] = h;
		return;
	}
	curl_easy_cleanup(h);
}

/* Stop a running transfer at once: out of the multi, its connection closed
 * (never returned to the cache), the handle dropped. */
static void stop_xfer(dk_loop *L, dk_xfer *x)
{
	if (!x->h)
		return;
	if (L && !x->done) {
		curl_easy_setopt(x->h, CURLOPT_FORBID_REUSE, 1L);
		curl_multi_remove_handle(L->multi, x->h);
		L->running--;
	}
	x->done = 1;
	x->cc = CURLE_ABORTED_BY_CALLBACK;
	put_handle(L, x, 0);
}

static void free_xfers(dk_async *a, dk_xfer *from)
{
	dk_xfer **pp = &a->xfers, *x, *next;

	while (*pp && *pp != from)
		pp = &(*pp)->next;
	for (x = *pp; x; x = next) {
		next = x->next;
		if (x == a->running) {
			stop_xfer(a->L, x);
			a->running = NULL;
		}
		if (x->stream && !x->handed_run)
			dk__stream_start_cancel(x->stream); /* an unfinished open: connection closed */
		else if (x->stream)
			dk__stream_unhold(x->stream, a->final && x->handed_run == a->nrun);
		free(x->open_msg);
		put_handle(a->L, x, x->cc == CURLE_OK);
		dk__call_dispose(&x->k);
		free(x);
	}
	*pp = NULL;
	if (a->cursor == from)
		a->cursor = NULL;
}

static void push_done(dk_loop *L, uint64_t token)
{
	if (grow((void **)&L->done, &L->capdone, L->ndone + 1, sizeof(uint64_t))) {
		L->oom = 1;
		return;
	}
	L->done[L->ndone++] = token;
}

static void collect(dk_loop *L)
{
	CURLMsg *m;
	int left;
	dk_xfer *x;

	while ((m = curl_multi_info_read(L->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		char *item = NULL;

		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &item);
		if (!item)
			continue;
		if (*(int *)(void *)item == DK_ITEM_STREAM) {
			dk_loop_node *n = (dk_loop_node *)(void *)item;
			int result = (int)m->data.result;

			curl_multi_remove_handle(L->multi, n->easy);
			n->done = 1;
			dk__stream_loop_done(n->s, result);
			continue;
		}
		x = (dk_xfer *)(void *)item;
		x->cc = m->data.result;
		x->k.end_us = dk__now_us();
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->k.status);
		curl_multi_remove_handle(L->multi, x->h);
		curl_easy_setopt(x->h, CURLOPT_ERRORBUFFER, NULL);
		x->done = 1;
		L->running--;
		if (x->a->running == x)
			x->a->running = NULL;
		push_done(L, x->a->token);
	}
}

int dk_loop_pending(dk_loop *L)
{
	if (!L)
		return 0;
	return (L->nw ? DK_LOOP_WATCH : 0) | (L->timer_changed ? DK_LOOP_TIMER : 0) |
		(L->ndone ? DK_LOOP_DONE : 0);
}

int dk_loop_step(dk_loop *L, int fd, int events)
{
	int running = 0;
	CURLMcode mc;

	if (!L)
		return dk__err(DK_EINVAL, 0, 0, "dk_loop_step: loop is NULL");
	if (L->lazy && fd >= 0 && (size_t)fd < L->capfd && !L->wanted[fd]) {
		/* an idle connection's socket: the engine closed it, or sent
		 * what no transfer waits for; libcurl sees it on its next use */
		if (L->reported[fd]) {
			L->reported[fd] = 0;
			report(L, fd, 0);
		}
		return dk_loop_pending(L);
	}
	if (fd < 0)
		mc = curl_multi_socket_action(L->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	else
		mc = curl_multi_socket_action(L->multi, (curl_socket_t)fd,
			(events & DK_LOOP_IN ? CURL_CSELECT_IN : 0) |
			(events & DK_LOOP_OUT ? CURL_CSELECT_OUT : 0), &running);
	collect(L);
	if (mc != CURLM_OK)
		return dk__err(DK_ETRANSPORT, 0, 0, "event loop: %s", curl_multi_strerror(mc));
	if (L->oom) {
		L->oom = 0;
		return dk__err(DK_ENOMEM, 0, 0, "event loop: out of memory");
	}
	return dk_loop_pending(L);
}

int dk_loop_watches(dk_loop *L, int *fds, int *events, int max)
{
	int n;

	if (!L || !fds || !events || max <= 0)
		return 0;
	n = L->nw < (size_t)max ? (int)L->nw : max;
	if (n == 0)
		return 0;
	memcpy(fds, L->wfd, (size_t)n * sizeof(int));
	memcpy(events, L->wev, (size_t)n * sizeof(int));
	memmove(L->wfd, L->wfd + n, (L->nw - (size_t)n) * sizeof(int));
	memmove(L->wev, L->wev + n, (L->nw - (size_t)n) * sizeof(int));
	L->nw -= (size_t)n;
	return n;
}

long dk_loop_timeout(dk_loop *L)
{
	if (!L)
		return -1;
	L->timer_changed = 0;
	return L->timeout_ms;
}

int dk_loop_done(dk_loop *L, uint64_t *tokens, int max)
{
	int n;

	if (!L || !tokens || max <= 0)
		return 0;
	n = L->ndone < (size_t)max ? (int)L->ndone : max;
	if (n == 0)
		return 0;
	memcpy(tokens, L->done, (size_t)n * sizeof(uint64_t));
	memmove(L->done, L->done + n, (L->ndone - (size_t)n) * sizeof(uint64_t));
	L->ndone -= (size_t)n;
	return n;
}

int dk_loop_running(const dk_loop *L)
{
	return L ? L->running : 0;
}

void dk_loop_free(dk_loop *L)
{
	dk_async *a, *next;
	size_t i;

	if (!L)
		return;
	for (a = L->calls; a; a = next) {
		next = a->next;
		dk_async_cancel(a);
		a->L = NULL;
		a->prev = a->next = NULL;
	}
	while (L->nodes) {
		dk_loop_node *n = L->nodes;

		L->nodes = n->next;
		if (!n->done)
			curl_multi_remove_handle(L->multi, n->easy);
		curl_easy_setopt(n->easy, CURLOPT_CONNECT_TO, NULL); /* freed below */
		n->L = NULL;
		n->prev = n->next = NULL;
		dk__stream_loop_lost(n->s); /* the stream forgets n */
		free(n);
	}
	for (i = 0; i < L->nidle; i++)
		curl_easy_cleanup(L->idle[i]);
	curl_multi_cleanup(L->multi);
	curl_slist_free_all(L->stream_key);
	free(L->wanted);
	free(L->reported);
	free(L->wfd);
	free(L->wev);
	free(L->done);
	free(L->idle);
	free(L);
}

/* --- calls ------------------------------------------------------------------ */

/* A recorded transfer is replayed to the perform of the same request. */
static int same_request(const dk_call *x, const dk_call *k)
{
	return !strcmp(x->method, k->method) && x->url.len == k->url.len &&
		!memcmp(x->url.ptr, k->url.ptr, k->url.len);
}

int dk_async_new(dk_async **out, dk_loop *L, uint64_t token)
{
	dk_async *a;

	if (!out || !L)
		return dk__err(DK_EINVAL, 0, 0, "dk_async_new: NULL argument");
	a = calloc(1, sizeof(*a));
	if (!a) {
		*out = NULL;
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	a->L = L;
	a->token = token;
	a->next = L->calls;
	if (L->calls)
		L->calls->prev = a;
	L->calls = a;
	*out = a;
	return 0;
}

void dk_async_enter(dk_async *a)
{
	if (!a)
		return;
	a->cursor = a->xfers;
	a->run = 0;
	a->nrun++;
	dk__async_tl = a;
}

int dk_async_leave(dk_async *a, int rc)
{
	dk__async_tl = NULL;
	if (!a)
		return rc;
	if (a->run == DK_ASYNC_BLOCKING && !a->blocking) {
		/* the transfers done so far stay, for the run on a worker
		 * (dk_async_enter_blocking) to replay; what is the loop's
		 * (handles, streams) is given back here, on the loop's thread */
		dk_xfer *x;

		for (x = a->xfers; x; x = x->next) {
			put_handle(a->L, x, x->cc == CURLE_OK);
			if (x->stream && !x->handed_run)
				dk__stream_start_cancel(x->stream);
			else if (x->stream)
				dk__stream_unhold(x->stream, 0);
			x->stream = NULL;
			x->handed_run = 0;
			x->done = 1; /* a worker's run opens its streams itself */
		}
		return dk__err(DK_ASYNC_BLOCKING, 0, 0, "this operation cannot run on the event loop");
	}
	a->blocking = 0;
	if (a->run == DK_ASYNC_PENDING && !a->canceled)
		return DK_ASYNC_PENDING;
	/* the operation's own outcome: its transfers are no longer needed */
	a->final = 1;
	free_xfers(a, a->xfers);
	a->final = 0;
	a->nrun = 0;
	return rc;
}

void dk_async_enter_blocking(dk_async *a)
{
	if (!a)
		return;
	dk_async_enter(a);
	a->blocking = 1;
}

int dk__async_blocking_ok(void)
{
	return dk__async_tl && dk__async_tl->blocking;
}

void dk__async_stream_blocking(const dk_call *k)
{
	dk_async *a = dk__async_tl;
	dk_xfer *x = a ? a->cursor : NULL;

	while (x && x->k.negotiation && x->done)
		x = x->next;
	if (x && x->is_stream && same_request(&x->k, k))
		a->cursor = x->next; /* opened again here, blocking: the later transfers still replay */
}

void dk_async_cancel(dk_async *a)
{
	if (!a || a->canceled)
		return;
	a->canceled = 1;
	free_xfers(a, a->xfers);
}

void dk_async_free(dk_async *a)
{
	dk_loop *L;

	if (!a)
		return;
	if (dk__async_tl == a)
		dk__async_tl = NULL;
	dk_async_cancel(a);
	L = a->L;
	if (L) {
		if (a->prev)
			a->prev->next = a->next;
		else
			L->calls = a->next;
		if (a->next)
			a->next->prev = a->prev;
	}
	free(a);
}

/* --- the hooks in the call mechanism ------------------------------------------- */

int dk__async_refuse(dk_call *k)
{
	dk_async *a = dk__async_tl;

	if (a && a->blocking)
		return DK__ASYNC_BLOCK_HERE;
	if (a && a->run != DK_ASYNC_PENDING)
		a->run = DK_ASYNC_BLOCKING;
	(void)k;
	return DK_ASYNC_BLOCKING;
}


/* Hand the recorded answer of x to k, as the blocking transfer fills it. */
static int replay(dk_call *k, dk_xfer *x)
{
	if (x->traced)
		k->trace = NULL; /* an earlier run traced this transfer */
	x->traced = 1;
	k->status = x->k.status;
	k->start_us = x->k.start_us;
	k->end_us = x->k.end_us;
	k->err = x->k.err;
	dkbuf_clear(&k->resp);
	dkbuf_clear(&k->resp_headers);
	if ((x->k.resp.len && dkbuf_put(&k->resp, x->k.resp.ptr, x->k.resp.len)) ||
	    (k->want_headers && x->k.resp_headers.len &&
	     dkbuf_put(&k->resp_headers, x->k.resp_headers.ptr, x->k.resp_headers.len)))
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return dk__call_outcome(k, x->h, x->cc, x->errbuf);
}

/* Start k's transfer on the loop; k keeps only its borrowed fields. */
static int start(dk_async *a, dk_call *k)
{
	dk_loop *L = a->L;
	dk_xfer *x, **pp;
	dk_call rest;
	CURL *h;

	if (k->body_read)
		return dk__async_refuse(k); /* the source may block: not on the loop */
	if (k->c != L->c)
		return dk__err(DK_EINVAL, 0, 0, "%s: the event loop belongs to another client", k->op);
	x = calloc(1, sizeof(*x));
	h = x ? take_handle(L) : NULL;
	if (!h) {
		free(x);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory (curl handle)");
	}
	x->item = DK_ITEM_XFER;
	x->a = a;
	x->h = h;
	x->k = *k;
	memset(&rest, 0, sizeof(rest));
	rest.c = k->c;
	rest.method = k->method;
	rest.op = k->op;
	rest.vnum = k->vnum;
	rest.total_ms = k->total_ms;
	rest.want_headers = k->want_headers;
	rest.negotiation = k->negotiation;
	*k = rest; /* nothing to trace or free there: the transfer owns it all */
	if (x->k.has_body && x->k.body_len) {
		/* the operation's body may be gone when the transfer runs */
		const char *b = x->k.body;
		dkbuf *o = &x->k.body_owned;

		if (!(o->ptr && b >= o->ptr && b < o->ptr + o->len)) {
			dkbuf copy = DKBUF_INIT;

			if (dkbuf_put(&copy, b, x->k.body_len)) {
				dk__call_dispose(&x->k);
				put_handle(L, x, 1);
				free(x);
				return dk__err(DK_ENOMEM, 0, 0, "out of memory");
			}
			dkbuf_dispose(o);
			*o = copy;
			x->k.body = copy.ptr;
		}
	}
	x->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)x);
	dk__call_setup_handle(&x->k, h, 0);
	x->k.start_us = dk__now_us();
	if (curl_multi_add_handle(L->multi, h) != CURLM_OK) {
		dk__call_dispose(&x->k);
		put_handle(L, x, 0);
		free(x);
		return dk__err(DK_ETRANSPORT, 0, 0, "%s: the event loop refused the transfer", rest.op);
	}
	L->running++;
	for (pp = &a->xfers; *pp; pp = &(*pp)->next)
		;
	*pp = x;
	a->running = x;
	a->run = DK_ASYNC_PENDING;
	/* send the request now (connect, or write it on a kept-alive
	 * connection) rather than on the next turn of the event loop: one
	 * wake-up less per call; the caller drains what changed */
	{
		int running = 0;

		curl_multi_socket_action(L->multi, CURL_SOCKET_TIMEOUT, 0, &running);
		collect(L);
	}
	return DK_ASYNC_PENDING;
}

int dk__async_perform(dk_call *k)
{
	dk_async *a = dk__async_tl;
	dk_xfer *x;

	if (a->canceled)
		return dk__err(DK_ECANCELED, 0, 0, "%s: canceled", k->op);
	if (!a->L)
		return dk__err(DK_ECANCELED, 0, 0, "%s: the event loop is gone", k->op);
	if (a->run)
		return a->run; /* this run already waits for a transfer (or must block) */
	x = a->cursor;
	/* a negotiation another call has settled meanwhile is not asked again */
	while (x && x->k.negotiation && !k->negotiation && x->done)
		x = x->next;
	if (x && !x->done && !x->is_stream)
		return a->run = DK_ASYNC_PENDING; /* run again too early */
	if (x && !x->is_stream && same_request(&x->k, k)) {
		a->cursor = x->next;
		return replay(k, x);
	}
	if (a->blocking)
		return DK__ASYNC_BLOCK_HERE; /* on a worker: the blocking transfer */
	if (x)
		free_xfers(a, x); /* the run took another way: its later transfers are stale */
	return start(a, k);
}

/* --- streams ---------------------------------------------------------------------- */

dk_loop_node *dk__loop_attach(dk_loop *L, dk_stream *s, CURL *easy)
{
	dk_loop_node *n = calloc(1, sizeof(*n));
	int running = 0; /* the request is sent by dk__loop_kick() */

	if (!n)
		return NULL;
	n->item = DK_ITEM_STREAM;
	n->L = L;
	n->s = s;
	n->easy = easy;
	if (L->lazy) {
		curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, close_cb);
		curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, L);
	}
	if (L->c->tls)
		curl_easy_setopt(easy, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	if (L->stream_key)
		curl_easy_setopt(easy, CURLOPT_CONNECT_TO, L->stream_key);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, (char *)n);
	if (curl_multi_add_handle(L->multi, easy) != CURLM_OK) {
		free(n);
		return NULL;
	}
	n->next = L->nodes;
	if (L->nodes)
		L->nodes->prev = n;
	L->nodes = n;
	L->nstreams++;
	curl_multi_setopt(L->multi, CURLMOPT_MAXCONNECTS, DK_LOOP_MAXCONNECTS + L->nstreams);
	(void)running;
	return n;
}

void dk__loop_kick(dk_loop *L)
{
	int running = 0;

	curl_multi_socket_action(L->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect(L);
}

void dk__loop_detach(dk_loop_node *n)
{
	dk_loop *L;

	if (!n)
		return;
	L = n->L;
	if (L) {
		if (!n->done) {
			curl_easy_setopt(n->easy, CURLOPT_FORBID_REUSE, 1L);
			curl_multi_remove_handle(L->multi, n->easy);
		}
		curl_easy_setopt(n->easy, CURLOPT_CONNECT_TO, NULL); /* the loop's list */
		L->nstreams--;
		curl_multi_setopt(L->multi, CURLMOPT_MAXCONNECTS, DK_LOOP_MAXCONNECTS + L->nstreams);
		if (n->prev)
			n->prev->next = n->next;
		else
			L->nodes = n->next;
		if (n->next)
			n->next->prev = n->prev;
	}
	free(n);
}

void dk__loop_notify(dk_loop_node *n, uint64_t token)
{
	if (n && n->L)
		push_done(n->L, token);
}

dk_loop *dk__loop_of(dk_loop_node *n)
{
	return n ? n->L : NULL;
}

int dk__async_stream(dk_stream **out, dk_call *k, int kind)
{
	dk_async *a = dk__async_tl;
	dk_xfer *x, **pp;
	dk_stream *s;
	int rc;

	if (a->canceled)
		return dk__call_abort(k, dk__err(DK_ECANCELED, 0, 0, "%s: canceled", k->op));
	if (!a->L)
		return dk__call_abort(k, dk__err(DK_ECANCELED, 0, 0, "%s: the event loop is gone", k->op));
	if (a->run)
		return dk__call_abort(k, a->run);
	x = a->cursor;
	while (x && x->k.negotiation && x->done)
		x = x->next;
	if (x && (x->stream || x->open_rc) && same_request(&x->k, k)) {
		if (x->open_rc) {
			/* the open failed in an earlier run: the same error */
			a->cursor = x->next;
			dk__call_abort(k, 0);
			return dk__err_msg(x->open_rc, x->open_err.http_status, x->open_err.curl_code,
				x->open_msg ? x->open_msg : "", x->open_msg ? strlen(x->open_msg) : 0);
		}
		if (x->handed_run) {
			/* handed out before: this run reads it from its start again */
			dk_stream *t = dk__stream_rehand(x->stream);

			dk__call_abort(k, 0);
			if (!t)
				return dk__err(DK_ENOMEM, 0, 0, "out of memory");
			a->cursor = x->next;
			x->stream = t;
			x->handed_run = a->nrun;
			*out = t;
			return 0;
		}
		if (!dk__stream_start_ready(x->stream))
			return dk__call_abort(k, a->run = DK_ASYNC_PENDING); /* woken too early */
		a->cursor = x->next;
		s = x->stream;
		x->done = 1;
		dk__call_abort(k, 0); /* the stream carries the first run's bookkeeping */
		rc = dk__stream_start_finish(out, s);
		if (rc) {
			const dk_error *e = dk_error_last();

			x->stream = NULL;
			x->open_rc = rc;
			x->open_err = *e;
			x->open_err.message = NULL;
			x->open_msg = strdup(e->message ? e->message : "");
			return rc;
		}
		dk__stream_hold(s, a->token);
		x->handed_run = a->nrun;
		return 0;
	}
	if (x && !x->done && !x->is_stream)
		return dk__call_abort(k, a->run = DK_ASYNC_PENDING);
	if (x)
		free_xfers(a, x);
	if (k->body_read)
		return dk__call_abort(k, dk__async_refuse(k));
	if (k->c != a->L->c)
		return dk__call_abort(k, dk__err(DK_EINVAL, 0, 0,
			"%s: the event loop belongs to another client", k->op));
	x = calloc(1, sizeof(*x));
	if (!x)
		return dk__call_abort(k, dk__err(DK_ENOMEM, 0, 0, "out of memory"));
	x->item = DK_ITEM_XFER;
	x->is_stream = 1;
	x->a = a;
	x->k.method = k->method;
	x->k.op = k->op;
	x->cc = CURLE_OK;
	if (dkbuf_put(&x->k.url, k->url.ptr, k->url.len)) {
		free(x);
		return dk__call_abort(k, dk__err(DK_ENOMEM, 0, 0, "out of memory"));
	}
	rc = dk__stream_start(&s, k, kind, a->L, a->token);
	if (rc) {
		dk__call_dispose(&x->k);
		free(x);
		return rc;
	}
	x->stream = s;
	for (pp = &a->xfers; *pp; pp = &(*pp)->next)
		;
	*pp = x;
	a->run = DK_ASYNC_PENDING;
	return DK_ASYNC_PENDING;
}

int dk__async_wait(void)
{
	dk_async *a = dk__async_tl;

	if (a && !a->run)
		a->run = DK_ASYNC_PENDING;
	return DK_ASYNC_PENDING;
}

void dk__loop_node_move(dk_loop_node *n, dk_stream *s)
{
	n->s = s;
}
