"""Log formatting shared by Tandem's loggers."""

import logging


class OneLineFormatter(logging.Formatter):
    """A record as one line: its message without the traceback, for events anyone on the
    internet can cause (a traceback per request would let them flood the log)."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
