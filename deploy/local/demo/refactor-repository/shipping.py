def shipping_cost(weight, zone, express, member):
    """What a parcel costs to ship, in cents."""
    if weight <= 0:
        raise ValueError("weight must be positive")
    if zone == "local":
        cost = 300
    elif zone == "national":
        cost = 500
    elif zone == "europe":
        cost = 900
    elif zone == "world":
        cost = 1500
    else:
        raise ValueError("unknown zone: " + zone)
    if weight > 20:
        cost += 1000
    elif weight > 5:
        cost += 400
    elif weight > 1:
        cost += 100
    if express and zone != "world":
        cost *= 2
    elif express:
        cost += 2000
    if member and cost > 1000:
        cost -= 200
    return cost
