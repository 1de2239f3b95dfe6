"""The ranges a book's and a reading's numbers may take, for every way in (the forms,
the API). The database's CHECKs hold the lower bounds; the upper ones keep numbers
inside SQLite's and PostgreSQL's integer columns, so an absurd value is a field
message, never an overflow and a 500."""

from decimal import Decimal

YEAR_MIN = -3000
YEAR_MAX = 9999
#: The longest printed works run to some 15,000 pages.
PAGES_MAX = 100_000
#: A PostgreSQL INTEGER; 21,474,836.47 in major units.
PRICE_MINOR_MAX = 2_147_483_647
PRICE_MAX = Decimal(PRICE_MINOR_MAX) / 100
#: Re-reading is common; ten thousand times is not.
TIMES_READ_MAX = 10_000
#: Row ids are PostgreSQL INTEGERs; a bigger "id" from a form or URL names nothing.
ID_MAX = 2_147_483_647
#: A book's description: Calibre's and LibraryThing's longest blurbs fit with room to spare.
DESCRIPTION_MAX = 50_000
