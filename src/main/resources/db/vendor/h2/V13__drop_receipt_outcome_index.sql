-- The H2 twin of db/vendor/postgresql/V13: the index of receipts by outcome served no query.
DROP INDEX IF EXISTS callback_receipt_outcome;
