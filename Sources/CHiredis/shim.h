#ifndef DEFERRABLE_CHIREDIS_SHIM_H
#define DEFERRABLE_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <hiredis/read.h>
#endif
