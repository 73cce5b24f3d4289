/* Run command for Brian2's cpp_standalone binary (see common.py).
 *
 * Runs argv[1..] (the compiled ./main), waits for it with wait4() and writes
 * results/rusage_main.json in the current (project) directory:
 *   {"maxrss_kb":..., "wall_seconds":..., "user_seconds":..., "sys_seconds":...}
 * A small C program rather than Python, because Linux carries a process's
 * peak RSS across exec(): a child forked from a Python wrapper would report
 * at least the wrapper's ~10 MB. This one adds about 1 MB at most.
 * Exits with the binary's exit status.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec t0, t1;
    struct rusage ru;
    int status = 0;
    pid_t pid;
    FILE *f;
    double wall;

    if (argc < 2) {
        fprintf(stderr, "usage: rusage_wrap PROGRAM [ARGS...]\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror("exec");
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    mkdir("results", 0755);
    f = fopen("results/rusage_main.json", "w");
    if (f) {
        fprintf(f, "{\"maxrss_kb\": %ld, \"wall_seconds\": %.6f, "
                   "\"user_seconds\": %.6f, \"sys_seconds\": %.6f}\n",
                ru.ru_maxrss, wall,
                ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6,
                ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6);
        fclose(f);
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}
