/* Compiled with -std=c99 -pedantic -Werror: the public headers must be
 * strict C99 and self-contained. Linked into a test so it is not dead. */
#include <clibdocker/clibdocker.h>
#include <clibdocker/common.h>
#include <clibdocker/errors.h>
#include <clibdocker/client.h>
#include <clibdocker/value.h>
#include <clibdocker/stream.h>
#include <clibdocker/system.h>

int dk_header_test_anchor(void);
int dk_header_test_anchor(void)
{
	dk_trace t;
	t.code = DK_OK;
	return t.code + (int)sizeof(dk_error);
}
