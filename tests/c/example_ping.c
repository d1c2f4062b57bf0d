/* The smallest C program using the installed library (built by
 * scripts/test.sh with `pkg-config --cflags --libs clibdocker`). */
#include <stdio.h>

#include <clibdocker/clibdocker.h>

int main(void)
{
	dk_client *c = NULL;
	dk_value *v = NULL;
	int rc;

	if ((rc = dk_client_new_from_env(&c)) != 0 || (rc = dk_system_version(&v, c, 1)) != 0) {
		fprintf(stderr, "error %s: %s\n", dk_error_name(rc), dk_error_last()->message);
		dk_client_free(c);
		return 1;
	}
	printf("engine %s, API %s\n", dk_value_get_string(v, "/Version"),
		dk_value_get_string(v, "/ApiVersion"));
	dk_value_free(v);
	dk_client_free(c);
	return 0;
}
