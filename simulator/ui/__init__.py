"""The web page at ``/``: static files (``static/``, no build step) and the live event stream
the page reads (``GET /simulator/events``)."""
