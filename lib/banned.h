/*
 * banned.h: functions that are too easy to misuse on hostile input or that
 * are not thread-safe.  Included last by every source file of the project,
 * so a use is a compile error.  (The idea is git's banned.h.)
 */
#ifndef SPOOR_BANNED_H
#define SPOOR_BANNED_H

#define SPOOR_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) SPOOR_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SPOOR_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SPOOR_BANNED(strncpy)
#undef sprintf
#define sprintf(...) SPOOR_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SPOOR_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) SPOOR_BANNED(strtok)
#undef gets
#define gets(x) SPOOR_BANNED(gets)
#undef atoi
#define atoi(x) SPOOR_BANNED(atoi)
#undef gmtime
#define gmtime(x) SPOOR_BANNED(gmtime)
#undef localtime
#define localtime(x) SPOOR_BANNED(localtime)

#endif
