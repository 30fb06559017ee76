"""Foundation: what every feature stands on, and nothing of any feature. The database's
base and its one unit of work, England's clock and periods, the shared vocabulary, forms and
their refusals, hooks, paging, files, PDFs and exports. A foundation module imports no
feature; the layers above import it."""
