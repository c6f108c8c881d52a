/* cli/batch_io.c: the files of darkfig batch: atomic writes, the folder lock, leftovers of a
 * killed run, whole-file reads and the manifest.
 *
 * A result reaches its name only whole: it goes through the command's one writing routine
 * (cli_write_file: a temporary file NAME.XXXXXX beside it, flushed, fsync'ed and renamed;
 * rename is atomic within a file system), then the folder is fsync'ed so that the new name
 * survives a crash of the machine. A kill at any moment leaves either the old file, the
 * new file, or an extra temporary that the next run removes (under the lock). The lock is an fcntl
 * write lock on DIR/.lock: the kernel drops it when the process dies, however it dies, so a killed
 * run never blocks the next. SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_str(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* The folder of path ("." when none) and its last component. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return dup_str(".", 1);
    if (slash == path)
        return dup_str("/", 1);
    return dup_str(path, (size_t)(slash - path));
}

/* A temporary file of cli_write_file beside one of ours: NAME.XXXXXX, NAME a result or a
 * summary. */
static int is_temporary(const char *name)
{
    size_t n = strlen(name);
    if (n < 8 || name[n - 7] != '.')
        return 0;
    for (size_t i = n - 6; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            return 0;
    }
    size_t m = n - 7; /* NAME's length */
    static const char *const ends[] = {".result.json", "summary.csv", "summary.json"};
    for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
        size_t el = strlen(ends[e]);
        if (m >= el && strncmp(name + m - el, ends[e], el) == 0)
            return 1;
    }
    return 0;
}

void batch_clean_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_temporary(e->d_name))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p)
            break;
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
            unlink(p);
        free(p);
    }
    closedir(d);
}

static int fill_text(FILE *f, void *data)
{
    return fputs((const char *)data, f) < 0 ? -1 : 0;
}

int batch_write_text(const char *path, const char *text)
{
    int code = cli_write_file("--out", path, fill_text, (void *)(uintptr_t)text);
    if (code == 0) {
        /* the new name survives a crash of the machine once the folder is synced */
        char *dir = dir_of(path);
        int dfd = dir ? open(dir, O_RDONLY) : -1;
        if (dfd >= 0) {
            fsync(dfd); /* some file systems refuse; harmless */
            close(dfd);
        }
        free(dir);
    }
    return code;
}

char *batch_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int bad = buf == NULL;
    while (!bad) {
        if (n + 1 >= cap) {
            char *b2 = realloc(buf, cap * 2);
            if (!b2) {
                bad = 1;
                break;
            }
            buf = b2;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    bad |= ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int batch_lock(const char *dir, char *msg, size_t size)
{
    size_t n = strlen(dir) + 8;
    char *p = malloc(n);
    if (!p) {
        snprintf(msg, size, "out of memory");
        return -1;
    }
    snprintf(p, n, "%s/.lock", dir);
    int fd = open(p, O_RDWR | O_CREAT, 0666);
    if (fd < 0) {
        snprintf(msg, size, "%s: cannot create the lock file (%s)", p, strerror(errno));
        free(p);
        return -1;
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        int e = errno;
        if (e == EACCES || e == EAGAIN)
            snprintf(msg, size,
                     "%s: another darkfig batch is running on this folder (it holds %s); "
                     "wait for it or choose another --out",
                     dir, p);
        else
            snprintf(msg, size, "%s: cannot lock (%s)", p, strerror(e));
        close(fd);
        free(p);
        return -1;
    }
    free(p);
    return fd;
}

/* ---- manifest: a small RFC 4180 reader (the library's reader is for capture tables) */

typedef struct {
    char **f;
    size_t n, cap;
} fields;

static int field_push(fields *fs, const char *s, size_t n)
{
    if (cli_grow(&fs->f, &fs->cap, fs->n, 8, sizeof *fs->f) != 0)
        return -1;
    /* spaces around an unquoted field are dropped, as the table reader does */
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!(fs->f[fs->n] = dup_str(s, n)))
        return -1;
    fs->n++;
    return 0;
}

static void fields_clear(fields *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        free(fs->f[i]);
    fs->n = 0;
}

/* One record from *p (advanced past it) into fs; *line counts line ends. 1 = a record,
 * 0 = end of input, -1 = an unterminated quote or out of memory. */
static int next_record(const char **p, int *line, fields *fs)
{
    const char *s = *p;
    fields_clear(fs);
    if (!*s)
        return 0;
    char *acc = NULL;
    size_t an = 0, acap = 0;
    for (;;) {
        /* one field */
        an = 0;
        int quoted = 0;
        const char *q = s;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '"') {
            quoted = 1;
            s = q + 1;
            for (;;) {
                if (!*s) {
                    free(acc);
                    return -1;
                }
                if (*s == '"' && s[1] == '"') {
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    if (*s == '\n')
                        (*line)++;
                    s++;
                }
                if (an + 2 > acap) {
                    acap = acap ? 2 * acap : 64;
                    char *a2 = realloc(acc, acap);
                    if (!a2) {
                        free(acc);
                        return -1;
                    }
                    acc = a2;
                }
                acc[an++] = s[-1];
            }
            while (*s == ' ' || *s == '\t')
                s++;
        } else {
            const char *b = s;
            while (*s && *s != ',' && *s != '\n' && *s != '\r')
                s++;
            if (field_push(fs, b, (size_t)(s - b)) != 0) {
                free(acc);
                return -1;
            }
        }
        if (quoted && field_push(fs, acc ? acc : "", an) != 0) {
            free(acc);
            return -1;
        }
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == '\r')
            s++;
        if (*s == '\n') {
            s++;
            (*line)++;
        }
        break;
    }
    free(acc);
    *p = s;
    return 1;
}

void manifest_free(manifest_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].label);
        free(rows[i].year);
        free(rows[i].path);
    }
    free(rows);
}

int manifest_read(const char *path, manifest_row **rows_out, size_t *n_out, char *msg, size_t size)
{
    *rows_out = NULL;
    *n_out = 0;
    size_t len;
    char *text = batch_read_file(path, &len);
    if (!text) {
        snprintf(msg, size, "%s: cannot read the manifest (%s)", path, strerror(errno));
        return -1;
    }
    const char *p = text;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    char *dir = dir_of(path);
    fields fs = {NULL, 0, 0};
    manifest_row *rows = NULL;
    size_t n = 0, cap = 0;
    int line = 1, rc = -1;
    int col_label = -1, col_year = -1, col_path = -1;
    /* header: the first record that is not blank */
    int r;
    int at = line;
    while ((r = next_record(&p, &line, &fs)) == 1 && fs.n == 1 && fs.f[0][0] == '\0')
        at = line;
    if (r != 1) {
        snprintf(msg, size, "%s:%d: %s", path, at,
                 r == 0 ? "empty manifest: want a header label,year,path"
                        : "unterminated quote or out of memory");
        goto done;
    }
    for (size_t i = 0; i < fs.n; i++) {
        if (strcmp(fs.f[i], "label") == 0)
            col_label = (int)i;
        else if (strcmp(fs.f[i], "year") == 0)
            col_year = (int)i;
        else if (strcmp(fs.f[i], "path") == 0)
            col_path = (int)i;
    }
    if (col_label < 0 || col_path < 0) {
        snprintf(msg, size,
                 "%s:%d: the header must name the columns label and path (and "
                 "optionally year)",
                 path, at);
        goto done;
    }
    size_t ncol = fs.n;
    for (;;) {
        at = line;
        r = next_record(&p, &line, &fs);
        if (r == 0)
            break;
        if (r < 0) {
            snprintf(msg, size, "%s:%d: unterminated quote or out of memory", path, at);
            goto done;
        }
        if (fs.n == 1 && fs.f[0][0] == '\0')
            continue; /* a blank line */
        if (fs.n != ncol) {
            snprintf(msg, size, "%s:%d: %zu fields, the header has %zu", path, at, fs.n, ncol);
            goto done;
        }
        if (cli_grow(&rows, &cap, n, 16, sizeof *rows) != 0) {
            snprintf(msg, size, "out of memory");
            goto done;
        }
        manifest_row *m = &rows[n];
        memset(m, 0, sizeof *m);
        m->line = at;
        n++;
        const char *pth = fs.f[col_path];
        if (!pth[0] || !fs.f[col_label][0]) {
            snprintf(msg, size, "%s:%d: empty %s", path, at, pth[0] ? "label" : "path");
            goto done;
        }
        size_t pl = strlen(dir) + strlen(pth) + 2;
        m->label = dup_str(fs.f[col_label], strlen(fs.f[col_label]));
        m->year = col_year >= 0 ? dup_str(fs.f[col_year], strlen(fs.f[col_year])) : NULL;
        m->path = malloc(pl);
        if (!m->label || (col_year >= 0 && !m->year) || !m->path) {
            snprintf(msg, size, "out of memory");
            goto done;
        }
        if (pth[0] == '/' || strcmp(dir, ".") == 0)
            snprintf(m->path, pl, "%s", pth);
        else
            snprintf(m->path, pl, "%s/%s", dir, pth);
    }
    if (n == 0) {
        snprintf(msg, size, "%s: the manifest names no snapshot", path);
        goto done;
    }
    rc = 0;
done:
    fields_clear(&fs);
    free(fs.f);
    free(dir);
    free(text);
    if (rc == 0) {
        *rows_out = rows;
        *n_out = n;
    } else {
        manifest_free(rows, n);
    }
    return rc;
}
