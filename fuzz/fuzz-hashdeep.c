/* fuzz-hashdeep: the hashdeep CSV importer of spoor-hashdb. */
#define FZ_FORMAT SPOOR_HDB_FMT_HASHDEEP
#include "hdbimport.h"
