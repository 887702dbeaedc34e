/* grow: reads standard input into a buffer that realloc doubles, then counts one byte: what holding
   a long line costs, without searching it (README, "Hostile shapes"). cc -O2 -o grow grow.c */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void) {
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len == cap) { cap *= 2; buf = realloc(buf, cap); }
        ssize_t n = read(0, buf + len, cap - len);
        if (n <= 0) break;
        len += n;
    }
    size_t count = 0;
    for (size_t i = 0; i < len; i++) count += buf[i] == 'n';
    printf("%zu %zu\n", len, count);
    return 0;
}
