"""matching: the recommender — pure, vectorised ranking of activities for suppliers and tenders.
Plain data in (activities, suppliers, tenders, priorities), ranked and explained matches out.
"""
