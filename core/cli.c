/* core/cli.c: the darkfig command. SPDX-License-Identifier: GPL-3.0-or-later */
#include "darkfig.h"

#include <stdio.h>

int main(void)
{
    printf("darkfig %s\n", DFG_VERSION);
    return 0;
}
