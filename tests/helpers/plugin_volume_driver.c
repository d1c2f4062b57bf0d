/* A tiny Docker volume-driver plugin for the plugin tests (tests/test_plugins.py).
 *
 * Built statically (gcc -static) into the rootfs of a test plugin, it is
 * the plugin's entrypoint: it serves the plugin protocol (HTTP over the unix
 * socket named in config.json `interface.socket`, which the engine expects
 * under /run/docker/plugins) and answers Plugin.Activate and the
 * VolumeDriver calls. A volume is a directory under /data (the plugin's
 * propagated mount, kept across restarts of the plugin). Each volume's `Status`
 * carries the plugin's GREETING environment setting, so a test can see a
 * PluginSet change take effect inside the running plugin.
 *
 * usage: plugin_volume_driver [socket path]
 *        (default /run/docker/plugins/clibdocker-test.sock) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAXVOL 64
#define MAXNAME 200
#define MAXREQ 65536
#define ROOT "/data"

static int vol_exists(const char *name)
{
	char p[MAXNAME + 16];
	struct stat st;

	snprintf(p, sizeof(p), ROOT "/%s", name);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* The string value of "Name" in a JSON body (no escapes expected: volume
 * names are [a-zA-Z0-9_.-]); a name that could leave /data is refused. */
static int json_name(const char *body, char *out, size_t cap)
{
	const char *p = strstr(body, "\"Name\"");
	size_t n = 0;

	if (!p)
		return -1;
	p += 6;
	while (*p == ' ' || *p == ':')
		p++;
	if (*p++ != '"')
		return -1;
	while (*p && *p != '"' && n + 1 < cap) {
		if (*p == '\\' || *p == '/' || (unsigned char)*p < 0x20)
			return -1;
		out[n++] = *p++;
	}
	if (*p != '"' || n == 0 || out[0] == '.')
		return -1;
	out[n] = '\0';
	return 0;
}

static void reply(int fd, const char *json)
{
	char head[256];
	size_t len = strlen(json), off = 0;
	int hl = snprintf(head, sizeof(head),
		"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n", len);
	ssize_t w;

	if (write(fd, head, (size_t)hl) != hl)
		return;
	while (off < len) {
		w = write(fd, json + off, len - off);
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

static void volume_json(char *out, size_t cap, const char *name)
{
	const char *g = getenv("GREETING");

	snprintf(out, cap, "{\"Name\":\"%s\",\"Mountpoint\":\"" ROOT "/%s\","
		"\"Status\":{\"greeting\":\"%s\"}}", name, name, g ? g : "");
}

static void handle(int fd, const char *path, const char *body)
{
	static char out[MAXVOL * (MAXNAME * 2 + 128) + 64];
	char name[MAXNAME + 1], one[MAXNAME * 2 + 128];
	int i, first;

	if (!strcmp(path, "/Plugin.Activate")) {
		reply(fd, "{\"Implements\":[\"VolumeDriver\"]}");
		return;
	}
	if (!strcmp(path, "/VolumeDriver.Capabilities")) {
		reply(fd, "{\"Capabilities\":{\"Scope\":\"local\"}}");
		return;
	}
	if (!strcmp(path, "/VolumeDriver.List")) {
		DIR *d = opendir(ROOT);
		struct dirent *de;

		strcpy(out, "{\"Volumes\":[");
		for (i = 0, first = 1; d && (de = readdir(d)) != NULL && i < MAXVOL; ) {
			if (de->d_name[0] == '.' || strlen(de->d_name) > MAXNAME ||
			    !vol_exists(de->d_name))
				continue;
			volume_json(one, sizeof(one), de->d_name);
			if (!first)
				strcat(out, ",");
			strcat(out, one);
			first = 0;
			i++;
		}
		if (d)
			closedir(d);
		strcat(out, "],\"Err\":\"\"}");
		reply(fd, out);
		return;
	}
	if (strncmp(path, "/VolumeDriver.", 14) != 0) {
		reply(fd, "{\"Err\":\"unknown call\"}");
		return;
	}
	if (json_name(body, name, sizeof(name))) {
		reply(fd, "{\"Err\":\"bad request: no Name\"}");
		return;
	}
	path += 14;
	snprintf(one, sizeof(one), ROOT "/%s", name);
	if (!strcmp(path, "Create")) {
		mkdir(ROOT, 0755);
		if (mkdir(one, 0755) != 0 && errno != EEXIST)
			reply(fd, "{\"Err\":\"cannot create the volume directory\"}");
		else
			reply(fd, "{\"Err\":\"\"}");
	} else if (!vol_exists(name)) {
		reply(fd, "{\"Err\":\"no such volume\"}");
	} else if (!strcmp(path, "Remove")) {
		nftw(one, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		reply(fd, "{\"Err\":\"\"}");
	} else if (!strcmp(path, "Get")) {
		volume_json(one, sizeof(one), name);
		snprintf(out, sizeof(out), "{\"Volume\":%s,\"Err\":\"\"}", one);
		reply(fd, out);
	} else if (!strcmp(path, "Path") || !strcmp(path, "Mount")) {
		snprintf(out, sizeof(out), "{\"Mountpoint\":\"%s\",\"Err\":\"\"}", one);
		reply(fd, out);
	} else if (!strcmp(path, "Unmount")) {
		reply(fd, "{\"Err\":\"\"}");
	} else {
		reply(fd, "{\"Err\":\"unknown call\"}");
	}
}

/* Read one request; 0 and path/body filled, or -1. */
static int read_request(int fd, char *buf, size_t cap, char **path, char **body)
{
	size_t got = 0, want = 0;
	char *end = NULL, *cl, *sp;
	ssize_t r;

	for (;;) {
		if (got + 1 >= cap)
			return -1;
		r = read(fd, buf + got, cap - 1 - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
		buf[got] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			cl = strcasestr(buf, "\r\nContent-Length:");
			want = (size_t)(end + 4 - buf);
			if (cl && cl < end)
				want += (size_t)strtoul(cl + 17, NULL, 10);
		}
		if (end && got >= want)
			break;
	}
	*end = '\0';
	*body = end + 4;
	sp = strchr(buf, ' ');
	if (!sp)
		return -1;
	*path = sp + 1;
	sp = strchr(*path, ' ');
	if (!sp)
		return -1;
	*sp = '\0';
	return 0;
}

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

int main(int argc, char **argv)
{
	static char buf[MAXREQ];
	const char *sock = argc > 1 ? argv[1] : "/run/docker/plugins/clibdocker-test.sock";
	struct sockaddr_un a;
	char *path, *body;
	int s, fd;

	signal(SIGPIPE, SIG_IGN);
	/* PID 1 of the plugin's namespace: without a handler, the engine's
	 * SIGTERM would be ignored and disabling would wait for its SIGKILL */
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof(a.sun_path)) {
		fprintf(stderr, "socket path too long\n");
		return 1;
	}
	strcpy(a.sun_path, sock);
	unlink(sock);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 16)) {
		fprintf(stderr, "%s: %s\n", sock, strerror(errno));
		return 1;
	}
	fprintf(stderr, "serving on %s\n", sock);
	for (;;) {
		fd = accept(s, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (read_request(fd, buf, sizeof(buf), &path, &body) == 0)
			handle(fd, path, body);
		close(fd);
	}
}
