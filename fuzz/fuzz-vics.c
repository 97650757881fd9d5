/* fuzz-vics: the Project VIC VICS JSON importer of spoor-hashdb. */
#define FZ_FORMAT SPOOR_HDB_FMT_VICS
#include "hdbimport.h"
