// The Accellera examples' reporting switches: defined once, by the program
// that uses the components (as their own examples' main files do). All off.
#define REPORT_DEFINE_GLOBALS
#include "reporting.h"
