"""A customer's erasure, as the sender takes part in it: its send log forgets them.

The sender keeps a row per send request (``sends``): the recipient's number or channel
user id and the message's content. On ``contact.erased`` the finished rows to the
person's addresses lose both (the row, its state, times and channel message id stay: the
tenant's delivery figures and late statuses still find it). Sends still under way
(queued, sending, unknown) are left to finish: they need the recipient, and the crm has
already withdrawn those it had not handed over yet. The 24-hour window keys in Redis
(keyed by the number) expire by themselves within a day.
"""
