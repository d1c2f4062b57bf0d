/* The ssh:// transport: each connection is an `ssh ... docker system
 * dial-stdio` child process. See ssh_int.h. */
#define _GNU_SOURCE
#include "ssh_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "client_int.h"
#include "clibdocker/errors.h"
#include "errors_int.h"

extern char **environ;

#define DK_SSH_MSG_MAX 1024    /* stderr kept for an error message */
#define DK_SSH_ERR_READ 8192   /* stderr tail read at exit */
#define DK_SSH_GRACE_MS 50     /* a healthy child, its end closed: time to exit on its own */
#define DK_SSH_DYING_MS 2000   /* a child that hung up on us: time to finish exiting */
#define DK_SSH_TERM_MS 1000    /* after SIGTERM, before SIGKILL */

typedef struct {
	int fd;      /* our end, owned by libcurl */
	pid_t pid;   /* 0 once reaped */
	int errfd;   /* the child's stderr file, or -1 */
} dk_ssh_kid;

struct dk_ssh {
	char **cmd;             /* the ssh command's words */
	int ncmd;
	char *user, *host, *port; /* user and port may be NULL */
	char *target;           /* "user@host:port", for messages */
	const dk_client *owner; /* for the connect timeout; NULL once freed */

	pthread_mutex_t lock;   /* guards everything below */
	dk_ssh_kid *kids;
	size_t nkids, cap;
	int refs;               /* 1 (the client) + one per kid */
};

/* The failure of an ssh child on this thread, kept for dk__ssh_error(). */
static _Thread_local char tl_msg[DK_SSH_MSG_MAX + 256];
static _Thread_local int tl_pending;

static void pend(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void pend(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tl_msg, sizeof(tl_msg), fmt, ap);
	va_end(ap);
	tl_pending = 1;
}

/* --- URL and command line ---------------------------------------------- */

void dk__ssh_words_free(char **argv)
{
	char **p;

	if (!argv)
		return;
	for (p = argv; *p; p++)
		free(*p);
	free(argv);
}

int dk__ssh_split_words(char ***argv_out, const char *cmd)
{
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	dkbuf w = DKBUF_INIT;
	const char *p = cmd ? cmd : "";
	char q;

	*argv_out = NULL;
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		dkbuf_clear(&w);
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '\'' || *p == '"') {
				q = *p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					if (dkbuf_putc(&w, *p++))
						goto nomem;
				}
				if (!*p) {
					dkbuf_dispose(&w);
					dk__ssh_words_free(v);
					return dk__err(DK_EINVAL, 0, 0,
						"CLIBDOCKER_SSH_COMMAND: unterminated %c quote", q);
				}
				p++;
			} else {
				if (*p == '\\' && p[1])
					p++;
				if (dkbuf_putc(&w, *p++))
					goto nomem;
			}
		}
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[n] = dkbuf_detach(&w, NULL);
		if (!v[n])
			v[n] = strdup("");
		if (!v[n])
			goto nomem;
		v[++n] = NULL;
	}
	dkbuf_dispose(&w);
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	*argv_out = v;
	return (int)n;
nomem:
	dkbuf_dispose(&w);
	dk__ssh_words_free(v);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

static int bad(const char *url, const char *why)
{
	return dk__err(DK_EINVAL, 0, 0, "invalid ssh host URL '%s': %s", url, why);
}

/* user and host names: letters, digits, '.', '_', '-'; never a leading '-'
 * (it would be an ssh option) */
static int name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

static int ipv6_ok(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
			return 0;
	return 1;
}

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void ssh_destroy(dk_ssh *s)
{
	dk__ssh_words_free(s->cmd);
	free(s->user);
	free(s->host);
	free(s->port);
	free(s->target);
	free(s->kids);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int dk__ssh_new(dk_ssh **out, char **url_out, const char *url)
{
	const char *p = url + 6, *end, *at, *hs, *he, *rest;
	const char *env = getenv("CLIBDOCKER_SSH_COMMAND");
	dk_ssh *s;
	dkbuf b = DKBUF_INIT;
	int ipv6 = 0, rc;
	long port = 0;

	*out = NULL;
	*url_out = NULL;
	end = p + strcspn(p, "/?#");
	if (*end && !(*end == '/' && end[1] == '\0'))
		return bad(url, "a path, query or fragment is not allowed");
	at = memchr(p, '@', (size_t)(end - p));
	hs = at ? at + 1 : p;
	if (at && memchr(p, ':', (size_t)(at - p)))
		return bad(url, "a password in the URL is not supported (use a key or an agent)");
	if (at && !name_ok(p, (size_t)(at - p)))
		return bad(url, "bad user name");
	if (*hs == '[') {
		he = memchr(hs, ']', (size_t)(end - hs));
		if (!he || !ipv6_ok(hs + 1, (size_t)(he - hs - 1)))
			return bad(url, "bad IPv6 address");
		rest = he + 1;
		hs++;
		ipv6 = 1;
	} else {
		he = memchr(hs, ':', (size_t)(end - hs));
		if (!he)
			he = end;
		if (he == hs)
			return bad(url, "no host");
		if (!name_ok(hs, (size_t)(he - hs)))
			return bad(url, "bad host name");
		rest = he;
	}
	if (rest < end) {
		const char *q;

		if (*rest != ':' || rest + 1 == end || end - rest > 6)
			return bad(url, "bad port");
		for (q = rest + 1; q < end; q++) {
			if (!isdigit((unsigned char)*q))
				return bad(url, "bad port");
			port = port * 10 + (*q - '0');
		}
		if (port < 1 || port > 65535)
			return bad(url, "bad port");
	}

	s = calloc(1, sizeof(*s));
	if (!s)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	pthread_mutex_init(&s->lock, NULL);
	s->refs = 1;
	rc = dk__ssh_split_words(&s->cmd, env);
	if (rc < 0) {
		ssh_destroy(s);
		return rc;
	}
	s->ncmd = rc;
	if (s->ncmd == 0) {
		dk__ssh_words_free(s->cmd);
		rc = dk__ssh_split_words(&s->cmd, "ssh");
		if (rc < 0) {
			s->cmd = NULL;
			ssh_destroy(s);
			return rc;
		}
		s->ncmd = rc;
	}
	s->host = dupn(hs, (size_t)(he - hs));
	if (at)
		s->user = dupn(p, (size_t)(at - p));
	if (port)
		s->port = dupn(rest + 1, (size_t)(end - rest - 1));
	if (!s->host || (at && !s->user) || (port && !s->port) ||
	    dkbuf_puts(&b, "ssh://") ||
	    (s->user && dkbuf_printf(&b, "%s@", s->user)) ||
	    dkbuf_printf(&b, ipv6 ? "[%s]" : "%s", s->host) ||
	    (s->port && dkbuf_printf(&b, ":%s", s->port)))
		goto nomem;
	*url_out = dkbuf_detach(&b, NULL);
	s->target = strdup(*url_out + 6);
	if (!*url_out || !s->target)
		goto nomem;
	*out = s;
	return 0;
nomem:
	dkbuf_dispose(&b);
	free(*url_out);
	*url_out = NULL;
	ssh_destroy(s);
	return dk__err(DK_ENOMEM, 0, 0, "out of memory");
}

/* --- children ------------------------------------------------------------ */

/* Move an fd above the standard ones (so dup2 onto 0/1/2 never aliases). */
static int high_fd(int *fd)
{
	int nfd;

	if (*fd > 2)
		return 0;
	nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return -1;
	close(*fd);
	*fd = nfd;
	return 0;
}

/* An anonymous file for the child's stderr: never fills up like a pipe. */
static int stderr_file(void)
{
	int fd = -1;
#if defined(__linux__) && defined(MFD_CLOEXEC)
	fd = memfd_create("clibdocker-ssh-stderr", MFD_CLOEXEC);
#endif
	if (fd < 0) {
		const char *dir = getenv("TMPDIR");
		char path[512];

		snprintf(path, sizeof(path), "%s/clibdocker-ssh-XXXXXX", dir && *dir ? dir : "/tmp");
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	if (fd >= 0 && high_fd(&fd)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Wait up to `ms` for the child: 1 exited (*st set), 0 still running,
 * -1 not ours any more (someone else reaped it). */
static int wait_ms(pid_t pid, long ms, int *st)
{
	struct timespec ts;
	long step = 1, waited = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, st, WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (waited >= ms)
			return 0;
		ts.tv_sec = 0;
		ts.tv_nsec = step * 1000000L;
		nanosleep(&ts, NULL);
		waited += step;
		if (step < 20)
			step *= 2;
	}
}

/* End a child: wait `grace` ms for it to exit, then SIGTERM, then SIGKILL.
 * Returns 1 with *st if it exited on its own, 0 if we ended it, -1 if
 * it was reaped elsewhere. */
static int end_child(pid_t pid, long grace, int *st)
{
	int r = wait_ms(pid, grace, st);

	if (r != 0)
		return r;
	kill(pid, SIGTERM);
	if (wait_ms(pid, DK_SSH_TERM_MS, st) == 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, st, 0) < 0 && errno == EINTR)
			;
	}
	return 0;
}

/* The child's stderr, cleaned up: its last lines (without "Warning:
 * Permanently added ..."), joined with "; ", at most DK_SSH_MSG_MAX bytes. */
static void read_stderr(int fd, char *out, size_t cap)
{
	char buf[DK_SSH_ERR_READ + 1];
	off_t size, from;
	ssize_t n;
	char *line, *save = NULL, *nl;
	size_t len = 0, ll;

	out[0] = '\0';
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0)
		return;
	from = size > DK_SSH_ERR_READ ? size - DK_SSH_ERR_READ : 0;
	n = pread(fd, buf, (size_t)(size - from), from);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		char *q;

		for (q = line; *q; q++)
			if ((unsigned char)*q < 0x20)
				*q = ' ';
		while (*line == ' ')
			line++;
		ll = strlen(line);
		while (ll && line[ll - 1] == ' ')
			line[--ll] = '\0';
		if (!ll || !strncmp(line, "Warning: Permanently added", 26))
			continue;
		/* keep the tail: drop the oldest lines when full */
		while (len && len + 2 + ll >= cap) {
			nl = strstr(out, "; ");
			if (!nl) {
				len = 0;
				out[0] = '\0';
				break;
			}
			memmove(out, nl + 2, len - (size_t)(nl + 2 - out) + 1);
			len = strlen(out);
		}
		if (ll >= cap)
			line += ll - (cap - 1), ll = cap - 1;
		if (len) {
			memcpy(out + len, "; ", 2);
			len += 2;
		}
		memcpy(out + len, line, ll);
		len += ll;
		out[len] = '\0';
	}
}

/* Remember why a child that ended on its own failed (r, st from end_child). */
static void report(const dk_ssh *s, int errfd, int r, int st)
{
	char err[DK_SSH_MSG_MAX];

	read_stderr(errfd, err, sizeof(err));
	if (r == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (r == 1 && WIFEXITED(st))
		pend("ssh to %s exited with status %d: %s", s->target, WEXITSTATUS(st),
			*err ? err : "(no message)");
	else if (r == 1 && WIFSIGNALED(st))
		pend("ssh to %s was killed by signal %d: %s", s->target, WTERMSIG(st),
			*err ? err : "(no message)");
	else if (*err)
		pend("ssh to %s ended: %s", s->target, err);
}

static void unref(dk_ssh *s)
{
	int last;

	pthread_mutex_lock(&s->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		ssh_destroy(s);
}

/* A connected loopback TCP pair: *curl_end for libcurl, *child_end for ssh.
 *
 * Why not socketpair(): libcurl 7.88.x (Debian 12's) ignores
 * CURL_SOCKOPT_ALREADY_CONNECTED and calls connect() on the socket anyway
 * (curl issue #10626, fixed in 8.0.0); connect() on a socketpair end fails.
 * So curl_end is a TCP socket whose non-blocking connect() to a one-shot
 * listener is still "in progress" for the socket layer while the handshake
 * has completed: Linux answers a further connect() on it with 0, whatever
 * the address, and newer libcurls skip connect() as told. The accepted peer
 * must be curl_end itself (another local process could race to the
 * listener), else it is dropped. */
static int loop_pair(int *curl_end, int *child_end)
{
	struct sockaddr_in la, sa, pa;
	socklen_t len;
	int l = -1, c = -1, a = -1, tries, r;
	int64_t deadline;

	*curl_end = *child_end = -1;
	memset(&la, 0, sizeof(la));
	la.sin_family = AF_INET;
	la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	len = sizeof(la);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&la, sizeof(la)) || listen(l, 8) ||
	    getsockname(l, (struct sockaddr *)&la, &len))
		goto fail;
	for (tries = 0; tries < 5; tries++) {
		c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (c < 0)
			goto fail;
		r = connect(c, (struct sockaddr *)&la, sizeof(la));
		if (r < 0 && errno == EINPROGRESS)
			break;
		if (r < 0)
			goto fail;
		/* connected at once: a second connect() would say EISCONN */
		close(c);
		c = -1;
	}
	if (c < 0) {
		errno = EISCONN;
		goto fail;
	}
	len = sizeof(sa);
	if (getsockname(c, (struct sockaddr *)&sa, &len))
		goto fail;
	deadline = dk__now_us() + 5000000;
	for (;;) {
		struct pollfd pf = {l, POLLIN, 0};
		int64_t left = (deadline - dk__now_us()) / 1000;

		if (left <= 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		r = poll(&pf, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		len = sizeof(pa);
		a = accept4(l, (struct sockaddr *)&pa, &len, SOCK_CLOEXEC);
		if (a < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED)
				continue;
			goto fail;
		}
		if (len == sizeof(pa) && pa.sin_port == sa.sin_port &&
		    pa.sin_addr.s_addr == sa.sin_addr.s_addr)
			break;
		close(a); /* not ours */
		a = -1;
	}
	close(l);
	r = 1; /* ssh's small writes must not wait for delayed ACKs */
	setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &r, sizeof(r));
	*curl_end = c;
	*child_end = a;
	return 0;
fail:
	r = errno;
	if (l >= 0)
		close(l);
	if (c >= 0)
		close(c);
	errno = r;
	return -1;
}

static curl_socket_t ssh_open(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	dk_ssh *s = ud;
	int sv[2] = {-1, -1}, errfd = -1, rc, i, n = 0, st;
	dk_ssh_kid stale = {-1, 0, -1};
	long connect_ms;
	pid_t pid;
	char ct[48];
	char **argv;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;

	(void)addr;
	tl_pending = 0;
	if (purpose != CURLSOCKTYPE_IPCXN || !s->owner)
		return CURL_SOCKET_BAD;
	connect_ms = s->owner->connect_ms;
	argv = calloc((size_t)s->ncmd + 20, sizeof(*argv));
	if (!argv) {
		pend("out of memory");
		return CURL_SOCKET_BAD;
	}
	for (i = 0; i < s->ncmd; i++)
		argv[n++] = s->cmd[i];
	if (connect_ms > 0) {
		snprintf(ct, sizeof(ct), "ConnectTimeout=%ld", (connect_ms + 999) / 1000);
		argv[n++] = "-o";
		argv[n++] = ct;
	}
	/* never prompt: a library has no terminal to ask on */
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-T";
	if (s->user) {
		argv[n++] = "-l";
		argv[n++] = s->user;
	}
	if (s->port) {
		argv[n++] = "-p";
		argv[n++] = s->port;
	}
	argv[n++] = "--";
	argv[n++] = s->host;
	argv[n++] = "docker";
	argv[n++] = "system";
	argv[n++] = "dial-stdio";
	argv[n] = NULL;

	if (loop_pair(&sv[0], &sv[1])) {
		pend("cannot set up a loopback connection for ssh: %s", strerror(errno));
		free(argv);
		return CURL_SOCKET_BAD;
	}
	errfd = stderr_file();
	if (high_fd(&sv[0]) || high_fd(&sv[1]) || errfd < 0) {
		pend("cannot set up the ssh child's descriptors: %s", strerror(errno));
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
#ifdef POSIX_SPAWN_SETSID
	/* its own session: no controlling terminal (nothing to prompt on),
	 * and the terminal's ^C reaches us, not it */
	flags |= POSIX_SPAWN_SETSID;
#else
	flags |= POSIX_SPAWN_SETPGROUP;
#endif
	posix_spawnattr_setflags(&at, flags);
	rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc) {
		pend("cannot run '%s': %s", argv[0], strerror(rc));
		goto fail;
	}
	close(sv[1]);
	sv[1] = -1;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < (int)s->nkids; i++) {
		if (s->kids[i].fd == sv[0]) {
			/* libcurl closed this descriptor without telling us (some
			 * versions skip the close callback on early aborts): that
			 * child is an orphan */
			stale = s->kids[i];
			s->kids[i] = s->kids[--s->nkids];
			s->refs--;
			break;
		}
	}
	if (s->nkids == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		dk_ssh_kid *nk = realloc(s->kids, cap * sizeof(*nk));

		if (nk) {
			s->kids = nk;
			s->cap = cap;
		}
	}
	if (s->nkids < s->cap) {
		s->kids[s->nkids].fd = sv[0];
		s->kids[s->nkids].pid = pid;
		s->kids[s->nkids].errfd = errfd;
		s->nkids++;
		s->refs++;
		rc = 0;
	} else {
		rc = -1;
	}
	pthread_mutex_unlock(&s->lock);
	if (stale.pid > 0)
		end_child(stale.pid, 0, &st);
	if (stale.errfd >= 0)
		close(stale.errfd);
	if (rc) {
		end_child(pid, 0, &st);
		pend("out of memory");
		goto fail;
	}
	free(argv);
	return sv[0];
fail:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (errfd >= 0)
		close(errfd);
	free(argv);
	return CURL_SOCKET_BAD;
}

static int ssh_sockopt(void *ud, curl_socket_t fd, curlsocktype purpose)
{
	(void)ud;
	(void)fd;
	(void)purpose;
	return CURL_SOCKOPT_ALREADY_CONNECTED;
}

static int ssh_close(void *ud, curl_socket_t fd)
{
	dk_ssh *s = ud;
	dk_ssh_kid k = {-1, 0, -1};
	struct pollfd pf;
	int found = 0, hung = 0, r, st = 0;
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nkids; i++) {
		if (s->kids[i].fd == fd) {
			k = s->kids[i];
			s->kids[i] = s->kids[--s->nkids];
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (found && k.pid > 0) {
		/* did the child hang up on us (it is exiting on its own)? */
		pf.fd = fd;
		pf.events = POLLIN | POLLRDHUP;
		pf.revents = 0;
		hung = poll(&pf, 1, 0) == 1 && (pf.revents & (POLLHUP | POLLERR | POLLRDHUP));
	}
	close(fd);
	if (!found)
		return 0;
	if (k.pid > 0) {
		r = end_child(k.pid, hung ? DK_SSH_DYING_MS : DK_SSH_GRACE_MS, &st);
		if (r != 0) /* it ended on its own: say why if it failed */
			report(s, k.errfd, r, st);
	}
	if (k.errfd >= 0)
		close(k.errfd);
	unref(s);
	return 0;
}

curl_socket_t dk__ssh_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	return ssh_open(ud, purpose, addr);
}

void dk__ssh_setup_easy(dk_client *c, CURL *h)
{
	dk_ssh *s = c->ssh;

	s->owner = c;
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, ssh_open);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, s);
	curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, ssh_sockopt);
	curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, s);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, ssh_close);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, s);
	/* "localhost" stands for the far end: one address, one child */
	curl_easy_setopt(h, CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V4);
}

void dk__ssh_free(dk_ssh *s)
{
	size_t i, n;
	pid_t *pids;
	int st;

	if (!s)
		return;
	/* end every child still running; their sockets stay libcurl's until it
	 * closes them (then the table entry goes, with its reference) */
	pthread_mutex_lock(&s->lock);
	s->owner = NULL;
	n = s->nkids;
	pids = n ? calloc(n, sizeof(*pids)) : NULL;
	for (i = 0; i < n; i++) {
		if (pids)
			pids[i] = s->kids[i].pid;
		else if (s->kids[i].pid > 0)
			end_child(s->kids[i].pid, 0, &st);
		s->kids[i].pid = 0;
	}
	pthread_mutex_unlock(&s->lock);
	if (pids) {
		for (i = 0; i < n; i++)
			if (pids[i] > 0)
				kill(pids[i], SIGTERM);
		for (i = 0; i < n; i++) {
			if (pids[i] <= 0)
				continue;
			if (wait_ms(pids[i], DK_SSH_TERM_MS, &st) == 0) {
				kill(pids[i], SIGKILL);
				while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
					;
			}
		}
		free(pids);
	}
	unref(s);
}

int dk__ssh_error(int code, int cc, const char *detail, const char *what)
{
	if (!tl_pending)
		return 0;
	tl_pending = 0;
	return dk__err(code, 0, cc, "%s: %s: %s (%s)", what,
		code == DK_ECONNECT ? "cannot connect to the Docker engine over ssh"
				    : "the ssh connection to the Docker engine failed",
		tl_msg, detail && *detail ? detail : curl_easy_strerror((CURLcode)cc));
}
