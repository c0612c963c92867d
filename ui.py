"""``python ui.py [OPTIONS]`` starts the web chat: the same as ``newsdesk ui [OPTIONS]``.

The page lives in ``assistant/webui/`` (``page.py`` lays it out, ``server.py`` serves it).
"""

import sys

from assistant.cli import main

if __name__ == "__main__":
    main(["ui", *sys.argv[1:]], prog_name="ui.py")
