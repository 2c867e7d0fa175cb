"""Charts for the handout: matplotlib figures drawn from the results only, client text literal."""
