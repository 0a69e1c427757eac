// Records which managed methods of a lodge binary run, in the order they first run, for the linker's method order
// (bench/layout/profile writes src/Lodge.Cli/MethodOrder.txt from it; see the comment in Lodge.Cli.csproj).
//
// How: the command is started under ptrace; a breakpoint byte (int3) goes on the first byte of every method listed in
// SYMBOLS (address and name per line, from `nm` of a binary built with symbols); the first time a method is entered,
// its name is written to OUT, its byte restored and the thread resumed there. Threads are followed (clone); a child
// that execs the same binary again (the supervisor) gets its own breakpoints; any other program a child execs (QEMU,
// qemu-img) is let go. Code pages are written through /proc/PID/mem, which works on read-only text under ptrace.
//
// Usage: trace-methods SYMBOLS OUT BINARY [ARGS...]     (a development tool, never part of lodge)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct { uint64_t addr; char *names; unsigned char orig; int seen; } method;

static method *methods;
static size_t count;
static char binary[PATH_MAX];
static FILE *out;

static int by_addr(const void *a, const void *b) {
    uint64_t x = ((const method *)a)->addr, y = ((const method *)b)->addr;
    return x < y ? -1 : x > y;
}

static method *find(uint64_t addr) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (methods[mid].addr == addr) return &methods[mid];
        if (methods[mid].addr < addr) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

static void load(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    size_t cap = 1 << 16;
    methods = malloc(cap * sizeof *methods);
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        char *name = strchr(line, ' ');
        if (!name) continue;
        *name++ = 0;
        name[strcspn(name, "\n")] = 0;
        uint64_t addr = strtoull(line, NULL, 16);
        if (count == cap) methods = realloc(methods, (cap *= 2) * sizeof *methods);
        methods[count++] = (method){ addr, strdup(name), 0, 0 };
    }
    fclose(f);
    qsort(methods, count, sizeof *methods, by_addr);
    // Folded method bodies share an address: keep one entry that names them all (one per line in OUT).
    size_t w = 0;
    for (size_t r = 0; r < count; r++) {
        if (w && methods[w - 1].addr == methods[r].addr) {
            char *joined;
            if (asprintf(&joined, "%s\n%s", methods[w - 1].names, methods[r].names) < 0) exit(2);
            methods[w - 1].names = joined;
        } else methods[w++] = methods[r];
    }
    count = w;
}

static int same_binary(pid_t pid) {
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/%d/exe", pid);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = 0;
    return strcmp(target, binary) == 0;
}

// Puts int3 on every method not yet seen (methods already recorded need no breakpoint in a new image).
static void arm(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int fd = open(path, O_RDWR);
    if (fd < 0) { perror(path); return; }
    unsigned char cc = 0xCC;
    for (size_t i = 0; i < count; i++) {
        if (pread(fd, &methods[i].orig, 1, (off_t)methods[i].addr) != 1) continue;
        if (!methods[i].seen) pwrite(fd, &cc, 1, (off_t)methods[i].addr);
    }
    close(fd);
}

static int on_breakpoint(pid_t tid) {
    struct user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, tid, 0, &regs) != 0) return 0;
    method *m = find(regs.rip - 1);
    if (!m) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", tid);
    int fd = open(path, O_RDWR);
    if (fd >= 0) {
        unsigned char now;
        if (pread(fd, &now, 1, (off_t)m->addr) == 1 && now == 0xCC) pwrite(fd, &m->orig, 1, (off_t)m->addr);
        close(fd);
    }
    if (!m->seen) { m->seen = 1; fprintf(out, "%s\n", m->names); }
    regs.rip -= 1;
    ptrace(PTRACE_SETREGS, tid, 0, &regs);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: trace-methods SYMBOLS OUT BINARY [ARGS...]\n"); return 2; }
    load(argv[1]);
    out = fopen(argv[2], "a");
    if (!out) { perror(argv[2]); return 2; }
    if (!realpath(argv[3], binary)) { perror(argv[3]); return 2; }
    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        execv(binary, &argv[3]);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);   // stopped at its exec
    ptrace(PTRACE_SETOPTIONS, child, 0,
           PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
    arm(child);
    ptrace(PTRACE_CONT, child, 0, 0);
    int result = 0;
    for (;;) {
        pid_t tid = waitpid(-1, &status, __WALL);
        if (tid < 0) { if (errno == EINTR) continue; break; }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (tid == child) result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        int sig = WSTOPSIG(status), event = status >> 16;
        if (event == PTRACE_EVENT_EXEC) {
            if (same_binary(tid)) { arm(tid); ptrace(PTRACE_CONT, tid, 0, 0); }
            else ptrace(PTRACE_DETACH, tid, 0, 0);
            continue;
        }
        if (event != 0 || sig == SIGSTOP) { ptrace(PTRACE_CONT, tid, 0, 0); continue; }
        if (sig == SIGTRAP && on_breakpoint(tid)) { ptrace(PTRACE_CONT, tid, 0, 0); continue; }
        ptrace(PTRACE_CONT, tid, 0, sig);
    }
    fclose(out);
    return result;
}
