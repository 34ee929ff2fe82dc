"""The PostGIS adapter of the Store port: geography columns, GiST, KNN ``<->``, ``ST_DWithin``."""
