/* The Plugin C API end to end against the main engine, with a volume-driver
 * plugin built here (tests/helpers/plugin_volume_driver.c, gcc -static).
 * Covers @op PluginCreate @op PluginInspect @op PluginList @op PluginSet
 * @op PluginEnable @op PluginDisable @op PluginDelete; registry operations
 * (push, pull, privileges, upgrade) are tested from Python. */
#define _GNU_SOURCE
#include "dktest.h"

#include <unistd.h>

#include "clibdocker/clibdocker.h"

static int sh(const char *cmd)
{
	return system(cmd);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/clibdocker-test-cplugin-XXXXXX";
	char cmd[1024], path[512], name[96], full[128], vol[96], cfg[1024], filt[256];
	dk_client *c = NULL;
	dk_value *v = NULL;
	int b = -1, rc;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(name, sizeof(name), "clibdocker-test-cplugin-%ld", (long)getpid());
	snprintf(full, sizeof(full), "%s:latest", name);
	snprintf(vol, sizeof(vol), "clibdocker-test-cpvol-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/rootfs/run/docker/plugins %s/rootfs/data && "
		"gcc -static -O2 -o %s/rootfs/vdriver %s/plugin_volume_driver.c && "
		"echo %s > %s/rootfs/clibdocker-test-id", dir, dir, dir, CLIBDOCKER_TEST_HELPERS,
		name, dir);
	if (sh(cmd) != 0) {
		fprintf(stderr, "cannot build the test plugin\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/config.json", dir);
	write_file(path, "{\"description\":\"clibdocker C test plugin\",\"documentation\":\"-\","
		"\"entrypoint\":[\"/vdriver\"],\"interface\":{\"types\":[\"docker.volumedriver/1.0\"],"
		"\"socket\":\"clibdocker-test.sock\"},\"network\":{\"type\":\"none\"},"
		"\"propagatedMount\":\"/data\",\"env\":[{\"name\":\"GREETING\",\"description\":\"-\","
		"\"settable\":[\"value\"],\"value\":\"hi\"}]}");

	CHECK_RC(dk_client_new(&c, getenv("DOCKER_HOST")));

	/* refused before any request */
	CHECK(dk_plugin_create_dir(c, NULL, dir) == DK_EINVAL);
	CHECK(dk_plugin_create_dir(c, name, "/nonexistent/clibdocker-test") == DK_EINVAL);
	CHECK(dk_plugin_create_dir(c, name, CLIBDOCKER_TEST_HELPERS) == DK_EINVAL);
	CHECK(dk_plugin_create(c, name, NULL, NULL) == DK_EINVAL);
	CHECK(dk_plugin_set(c, name, NULL) == DK_EINVAL);
	CHECK(dk_plugin_pull(NULL, c, "x/y", NULL, NULL, NULL) == DK_EINVAL);
	CHECK(dk_plugin_inspect(&v, c, "") == DK_EINVAL);
	CHECK(dk_plugin_inspect(&v, c, name) == DK_ENOTFOUND);

	CHECK_RC(dk_plugin_create_dir(c, name, dir));
	CHECK_RC(dk_plugin_inspect(&v, c, name));
	CHECK(v && !strcmp(dk_value_get_string(v, "/Name"), full));
	CHECK(v && dk_value_get_bool(v, "/Enabled", &b) == 0 && b == 0);
	dk_value_free(v);
	v = NULL;

	snprintf(filt, sizeof(filt), "{\"capability\":[\"volumedriver\"],\"enabled\":[\"false\"]}");
	CHECK_RC(dk_plugin_list(&v, c, filt));
	CHECK(v && strstr(dk_value_body(v, NULL), full) != NULL);
	dk_value_free(v);
	v = NULL;

	CHECK_RC(dk_plugin_set(c, name, "[\"GREETING=from-c\"]"));
	CHECK_RC(dk_plugin_enable(c, name, 30));
	CHECK_RC(dk_plugin_inspect(&v, c, name));
	CHECK(v && dk_value_get_bool(v, "/Enabled", &b) == 0 && b == 1);
	CHECK(v && !strcmp(dk_value_get_string(v, "/Settings/Env/0"), "GREETING=from-c"));
	dk_value_free(v);
	v = NULL;

	/* the running plugin serves a volume, with the setting made above */
	snprintf(cfg, sizeof(cfg), "{\"Name\":\"%s\",\"Driver\":\"%s\","
		"\"Labels\":{\"clibdocker-test\":\"1\"}}", vol, full);
	CHECK_RC(dk_volume_create(&v, c, cfg));
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_volume_inspect(&v, c, vol));
	CHECK(v && dk_value_get_string(v, "/Status/greeting") &&
		!strcmp(dk_value_get_string(v, "/Status/greeting"), "from-c"));
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_volume_delete(c, vol, 0));

	rc = dk_plugin_delete(c, name, 0);  /* enabled: refused */
	CHECK(rc == DK_ECONFLICT || rc == DK_EAPI);
	CHECK_RC(dk_plugin_disable(c, name, -1));
	rc = dk_plugin_disable(c, name, 0);  /* already disabled */
	CHECK(rc == DK_ECONFLICT || rc == DK_EAPI);
	CHECK(rc != 0 && strstr(dk_error_last()->message, "already disabled") != NULL);
	CHECK_RC(dk_plugin_delete(c, name, 1));
	CHECK(dk_plugin_inspect(&v, c, name) == DK_ENOTFOUND);

	dk_plugin_delete(c, name, 1);  /* in case a check failed midway */
	dk_client_free(c);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd);
	DKT_DONE();
}
