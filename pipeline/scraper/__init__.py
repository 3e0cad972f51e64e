"""The scraper: configured network sources fetched politely and incrementally, pages parsed into Articles."""
