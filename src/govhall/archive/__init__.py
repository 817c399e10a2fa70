"""Electronic archive (电子档案): content-addressed storage of the materials citizens upload."""
