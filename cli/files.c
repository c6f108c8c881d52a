/* cli/files.c: the one routine through which the command writes a file.
 *
 * The rule (as SQLite's journal and every careful editor): never replace an input of the
 * same run, nor a file written earlier in the run; never replace what is not a regular
 * file (a FIFO, a device, a directory: refused, since renaming onto it would swap the
 * node for a plain file and writing into it is not atomic); otherwise write a temporary
 * file beside the target, flush and fsync it, and rename it onto the target, so that a
 * reader sees the old file or the whole new one. Inputs and outputs are compared by
 * device and inode, not by name (a symbolic link or ./ does not fool it). A failed write
 * (a full disk) removes the temporary file and says so; the target is untouched.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files of this run: inputs read and outputs written (a batch reads many). */
typedef struct {
    dev_t dev;
    ino_t ino;
    int input;
} file_id;

static file_id *files = NULL;
static size_t n_files = 0, cap_files = 0;

/* Remember a file of the run. Out of memory, the run cannot promise that no output
 * replaces an input: it stops (exit 4) rather than go on unprotected. */
static void note(const struct stat *st, int input)
{
    if (cli_grow(&files, &cap_files, n_files, 16, sizeof *files) != 0) {
        cli_say("out of memory remembering the files of this run");
        exit(EXIT_INTERNAL);
    }
    files[n_files++] = (file_id){st->st_dev, st->st_ino, input};
}

void cli_note_input(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        note(&st, 1);
}

static const char *kind_name(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* 0 when the folder of path is one, else why not (an errno value). */
static int parent_error(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return 0; /* the current folder */
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (!dir)
        return ENOMEM;
    memcpy(dir, path, n);
    dir[n] = '\0';
    struct stat st;
    int e = stat(dir, &st) != 0 ? errno : (S_ISDIR(st.st_mode) ? 0 : ENOTDIR);
    free(dir);
    return e;
}

int cli_check_output(const char *option, const char *path)
{
    struct stat st;
    if (!path[0]) {
        cli_say("%s: an empty file name", option);
        return EXIT_USAGE;
    }
    if (stat(path, &st) != 0) {
        /* absent: its folder must be one (said now, before a long run, not after it) */
        int e = errno == ENOENT ? parent_error(path) : errno;
        if (e == 0)
            return 0;
        cli_say("%s %s: cannot write (%s): nothing written", option, path, strerror(e));
        return EXIT_INPUT;
    }
    for (size_t i = 0; i < n_files; i++)
        if (files[i].dev == st.st_dev && files[i].ino == st.st_ino) {
            cli_say("%s %s: refusing to overwrite %s of this run", option, path,
                    files[i].input ? "the input" : "another output");
            return EXIT_USAGE;
        }
    if (!S_ISREG(st.st_mode)) {
        cli_say("%s %s: refusing to replace %s; name a regular file", option, path,
                kind_name(st.st_mode));
        return EXIT_USAGE;
    }
    return 0;
}

int cli_write_file(const char *option, const char *path, int (*fill)(FILE *f, void *data),
                   void *data)
{
    int code = cli_check_output(option, path);
    if (code)
        return code;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        cli_say("out of memory");
        return EXIT_INTERNAL;
    }
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cli_say("%s %s: cannot write (%s): nothing written", option, path, strerror(errno));
        free(tmp);
        return EXIT_INPUT;
    }
    /* mkstemp makes 0600; an output gets the usual 0666 less the umask */
    mode_t um = umask(0);
    umask(um);
    int err = fchmod(fd, 0666 & ~um) != 0 ? errno : 0;
    FILE *f = err ? NULL : fdopen(fd, "w");
    if (!f) {
        err = err ? err : errno;
        close(fd);
    } else {
        errno = 0;
        if (fill(f, data) != 0 || fflush(f) != 0 || ferror(f))
            err = errno ? errno : EIO;
        if (!err && fsync(fileno(f)) != 0)
            err = errno;
        if (fclose(f) != 0 && !err)
            err = errno ? errno : EIO;
    }
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        cli_say("%s %s: cannot write (%s): nothing written", option, path, strerror(err));
        free(tmp);
        return EXIT_INPUT;
    }
    free(tmp);
    struct stat st;
    if (stat(path, &st) == 0)
        note(&st, 0);
    return 0;
}
