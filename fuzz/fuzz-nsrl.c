/* fuzz-nsrl: the NSRLFile.txt (legacy RDS CSV) importer of spoor-hashdb. */
#define FZ_FORMAT SPOOR_HDB_FMT_NSRL_TXT
#include "hdbimport.h"
