/* tests/cli/uses_internal.c: must NOT compile with the command's include path (only the
 * public header darkfig.h): the command is a client of the public API. */
#include "internal.h"

int main(void)
{
    return 0;
}
