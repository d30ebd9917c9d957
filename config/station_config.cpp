#include "config/station_config.hpp"
