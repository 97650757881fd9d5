/* fuzz-hashlist: the md5sum/sha*sum/BSD hash-list importer of spoor-hashdb. */
#define FZ_FORMAT SPOOR_HDB_FMT_HASHLIST
#include "hdbimport.h"
